"""The offers catalog: a realistic subset of the CSP price list (list prices in USD per month; a
software price is per unit, paid once)."""

from __future__ import annotations

from decimal import Decimal

OFFERS: list[dict] = [
    {
        "id": "CFQ7TTC0LH18:0001",
        "name": "Microsoft 365 Business Basic",
        "category": "Microsoft 365",
        "unit_price": "6.00",
        "description": "Web and mobile Office apps, Teams, 1 TB OneDrive and business email.",
    },
    {
        "id": "CFQ7TTC0LDPB:0001",
        "name": "Microsoft 365 Business Standard",
        "category": "Microsoft 365",
        "unit_price": "12.50",
        "description": "Desktop Office apps plus everything in Business Basic.",
    },
    {
        "id": "CFQ7TTC0LCHC:0002",
        "name": "Microsoft 365 Business Premium",
        "category": "Microsoft 365",
        "unit_price": "22.00",
        "description": "Business Standard plus advanced security and device management.",
    },
    {
        "id": "CFQ7TTC0LF8Q:0001",
        "name": "Office 365 E3",
        "category": "Office 365",
        "unit_price": "23.00",
        "description": "Office apps, email, file storage and sharing, meetings for the enterprise.",
        "max_quantity": 10000,
    },
    {
        "id": "CFQ7TTC0LFLZ:0002",
        "name": "Microsoft 365 E5",
        "category": "Microsoft 365",
        "unit_price": "57.00",
        "description": "Enterprise productivity with advanced security, compliance and analytics.",
        "max_quantity": 10000,
    },
    {
        "id": "DZH318Z0BPS6:0001",
        "name": "Azure plan",
        "category": "Azure",
        "unit_price": "0.00",
        "billing": "usage",
        "min_quantity": 1,
        "max_quantity": 1,
        "description": "Pay-as-you-go Azure consumption, billed by usage each month.",
    },
    {
        "id": "CFQ7TTC0LFK5:0001",
        "name": "Dynamics 365 Sales Professional",
        "category": "Dynamics 365",
        "unit_price": "65.00",
        "description": "Sales force automation for small and midsize teams.",
    },
    {
        "id": "CFQ7TTC0LH0R:0001",
        "name": "Dynamics 365 Business Central Essentials",
        "category": "Dynamics 365",
        "unit_price": "70.00",
        "description": "Finance, operations and supply chain for small businesses.",
    },
    {
        "id": "CFQ7TTC0LHXM:0001",
        "name": "Exchange Online (Plan 1)",
        "category": "Microsoft 365",
        "unit_price": "4.00",
        "description": "Business email with a 50 GB mailbox.",
    },
    # R18: what only a direct-bill partner buys for its direct-bill customers. Reservations are priced per
    # instance per month over a 1- or 3-year term; software is a perpetual licence paid once per unit.
    {
        "id": "DZH318Z0BQ3Q:0001",
        "name": "Azure Reserved VM Instance, D2s v3, 1 year",
        "category": "Azure reservations",
        "unit_price": "44.17",
        "product_type": "azure_reservation",
        "direct_bill_only": True,
        "term_months": 12,
        "max_quantity": 100,
        "description": "One D2s v3 virtual machine (2 vCPUs, 8 GB) reserved for one year in East US.",
    },
    {
        "id": "DZH318Z0BQ3Q:0002",
        "name": "Azure Reserved VM Instance, D2s v3, 3 years",
        "category": "Azure reservations",
        "unit_price": "28.47",
        "product_type": "azure_reservation",
        "direct_bill_only": True,
        "term_months": 36,
        "max_quantity": 100,
        "description": "One D2s v3 virtual machine (2 vCPUs, 8 GB) reserved for three years in East US.",
    },
    {
        "id": "DZH318Z0BQ4D:0001",
        "name": "Azure Reserved VM Instance, D4s v3, 1 year",
        "category": "Azure reservations",
        "unit_price": "88.33",
        "product_type": "azure_reservation",
        "direct_bill_only": True,
        "term_months": 12,
        "max_quantity": 100,
        "description": "One D4s v3 virtual machine (4 vCPUs, 16 GB) reserved for one year in East US.",
    },
    {
        "id": "DG7GMGF0FKZV:0002",
        "name": "SQL Server Standard 2022 - 2 Core License Pack",
        "category": "Software",
        "unit_price": "3945.00",
        "product_type": "software",
        "direct_bill_only": True,
        "term_months": 0,
        "max_quantity": 500,
        "description": "Perpetual licence for two cores of SQL Server 2022 Standard, paid once.",
    },
    {
        "id": "DG7GMGF0DVSV:0003",
        "name": "Windows Server 2022 Standard - 16 Core License Pack",
        "category": "Software",
        "unit_price": "1069.00",
        "product_type": "software",
        "direct_bill_only": True,
        "term_months": 0,
        "max_quantity": 500,
        "description": "Perpetual licence for sixteen cores of Windows Server 2022 Standard, paid once.",
    },
]


def offers_seed(offer_model=None) -> int:
    """Create or update the catalog (idempotent). Returns how many offers were created."""
    if offer_model is None:
        from .models import Offer as offer_model
    fields = {f.name for f in offer_model._meta.get_fields()}
    created = 0
    for spec in OFFERS:
        defaults = {
            "name": spec["name"],
            "category": spec["category"],
            "description": spec.get("description", ""),
            "unit_price": Decimal(spec["unit_price"]),
            "billing": spec.get("billing", "license"),
            "term_months": spec.get("term_months", 12),
            "min_quantity": spec.get("min_quantity", 1),
            "max_quantity": spec.get("max_quantity", 300),
            "product_type": spec.get("product_type", "subscription"),
            "direct_bill_only": spec.get("direct_bill_only", False),
        }
        # An earlier migration's historical model has not every field yet: set the ones it has.
        defaults = {k: v for k, v in defaults.items() if k in fields}
        _obj, was_created = offer_model.objects.update_or_create(id=spec["id"], defaults=defaults)
        created += int(was_created)
    return created
