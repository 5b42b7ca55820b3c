import pytest

from customers.catalog import offers_seed


@pytest.fixture(autouse=True)
def _offers(db):
    """The catalog comes from a data migration; flushed databases (transaction=True) get it again."""
    offers_seed()
