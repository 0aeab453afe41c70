from . import support_request_cancel
from . import support_request_schedule
from . import support_phone_request
from . import support_a1_scan
from . import support_request_close_phone
from . import support_xlsx_export
from . import base_partner_merge_automatic_wizard
