import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_offer_product_type"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(
                        blank=True, max_length=20, null=True, unique=True, verbose_name="invoice number"
                    ),
                ),
                ("period_start", models.DateField(verbose_name="billing period start")),
                ("period_end", models.DateField(verbose_name="billing period end")),
                ("invoice_date", models.DateTimeField(verbose_name="invoice date")),
                ("currency", models.CharField(default="USD", max_length=3, verbose_name="currency")),
                (
                    "total_charges",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="total charges"
                    ),
                ),
                (
                    "paid_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="paid amount"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "Current period, not yet issued"), ("issued", "Issued")],
                        default="open",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated"),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="customers.customeraccount",
                        verbose_name="customer",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="customer_invoices",
                        to="tenants.partnerprofile",
                        verbose_name="partner",
                    ),
                ),
            ],
            options={
                "verbose_name": "invoice",
                "verbose_name_plural": "invoices",
                "ordering": ["-period_start", "-id"],
            },
        ),
        migrations.CreateModel(
            name="InvoiceLineItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("line_number", models.PositiveIntegerField(verbose_name="line")),
                (
                    "charge_type",
                    models.CharField(
                        choices=[
                            ("recurring", "Monthly charge"),
                            ("term", "Annual charge for the term"),
                            ("one_time", "One-time purchase"),
                        ],
                        max_length=10,
                        verbose_name="charge type",
                    ),
                ),
                ("offer_name", models.CharField(max_length=200, verbose_name="product")),
                ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                (
                    "unit_price",
                    models.DecimalField(decimal_places=2, max_digits=12, verbose_name="unit price"),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount")),
                ("billing_cycle", models.CharField(max_length=10, verbose_name="billing cycle")),
                ("charge_start", models.DateField(verbose_name="charge start")),
                ("charge_end", models.DateField(verbose_name="charge end")),
                (
                    "invoice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="line_items",
                        to="customers.invoice",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="customers.offer",
                        verbose_name="offer",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.order",
                    ),
                ),
                (
                    "subscription",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.subscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "invoice line item",
                "verbose_name_plural": "invoice line items",
                "ordering": ["invoice", "line_number"],
            },
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["partner", "-period_start", "-id"], name="invoice_partner_period"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                fields=("partner", "customer", "period_start"), name="one_invoice_per_partner_customer_month"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoicelineitem",
            constraint=models.UniqueConstraint(
                fields=("invoice", "line_number"), name="one_invoice_line_per_number"
            ),
        ),
    ]
