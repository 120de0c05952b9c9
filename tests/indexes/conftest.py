import pytest

from tests import factories
from tracker.extensions import db


@pytest.fixture
def province(app):
    """The small province with the other agencies 5016 names."""
    with app.app_context():
        p = factories.small_province()
        p.agencies["stp"] = factories.make_agency("Sở Tư pháp")
        p.agencies["vp"] = factories.make_agency("Văn phòng UBND tỉnh")
        db.session.commit()
        return p.ids()
