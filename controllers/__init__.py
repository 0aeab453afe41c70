from . import portal
from . import partner_network
from . import cti
from . import request_portal
from . import a1_portal
from . import production_portal
from . import rating_portal
from . import xlsx_export
