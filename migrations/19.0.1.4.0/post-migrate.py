"""19.0.1.4.0: the agreed amount of production orders; the filing date of A1 Forms.

* A production order is now invoiced at the agreed amount its customer accepted in the
  portal. Orders the production department accepted before have none: their agreed amount
  is the amount they were accepted at, which their customer now accepts in the portal
  before they are invoiced. Orders invoiced already keep their invoices.
* The customer's working days to sign count from the date the A1 Form was filed. Forms
  filed before that date was recorded take the date of their last change, so that the
  daily reminder finds them instead of never.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE support_production_order
           SET agreed_amount = amount
         WHERE agreed_amount IS NULL
           AND amount > 0
           AND state IN ('accepted', 'invoiced')
    """)
    cr.execute("""
        UPDATE support_a1_form
           SET filed_on = date_trunc('second', write_date)
         WHERE filed_on IS NULL
           AND state = 'filed'
    """)
