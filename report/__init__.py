from . import support_request_dossier
