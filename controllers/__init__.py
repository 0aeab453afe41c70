from . import portal
from . import partner_network
