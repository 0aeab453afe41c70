def migrate(cr, version):
    """19.0.1.1.0: the close-by-phone e-mail became one digest per account manager, a
    template on res.users instead of one per request. The template is ``noupdate`` data:
    drop the per-request one so that the update creates the digest in its place."""
    if not version:
        return
    cr.execute("""
        DELETE FROM mail_template template
         USING ir_model_data data, ir_model model
         WHERE data.module = 'certified_support'
           AND data.name = 'mail_template_request_close_by_phone'
           AND data.model = 'mail.template'
           AND template.id = data.res_id
           AND model.id = template.model_id
           AND model.model = 'support.request'
     RETURNING template.id
    """)
    if cr.fetchall():
        cr.execute("""
            DELETE FROM ir_model_data
             WHERE module = 'certified_support' AND name = 'mail_template_request_close_by_phone'
        """)
