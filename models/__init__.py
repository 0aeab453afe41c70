from . import res_company
from . import res_config_settings
from . import res_partner
from . import support_contract
from . import support_fault
from . import support_fault_category
from . import support_fault_line
from . import support_installation
