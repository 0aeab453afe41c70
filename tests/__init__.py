from . import test_i18n
from . import test_portal_access
from . import test_security
from . import test_support_request
from . import test_technician_portal
from . import test_support_contract
from . import test_support_fault
