from . import portal
from . import partner_network
from . import cti
