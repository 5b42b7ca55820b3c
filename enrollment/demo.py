"""Demo data for enrollment: the direct-bill incentive catalog. Contoso is deliberately left without an
enrollment so the whole journey (Enroll now → approval → Accept and continue) can be walked; running the
seed again never touches an enrollment that was made meanwhile (R6: no rollback)."""

from __future__ import annotations

from .services import incentive_catalog_ensure


def seed(tenants: dict) -> None:
    incentive_catalog_ensure()
