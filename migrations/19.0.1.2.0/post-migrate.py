"""19.0.1.2.0: the "Customer rating" subtype is no longer followed by default.

The account manager is told of each rating by its own e-mail; as a follower subscribed to
that subtype they got a second one. The subtype's record is ``noupdate``: set its default
here and unsubscribe the existing followers of requests from it.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE mail_message_subtype SET "default" = false
         WHERE id = (SELECT res_id FROM ir_model_data
                      WHERE module = 'certified_support' AND name = 'mt_request_rating')
        """
    )
    cr.execute(
        """
        DELETE FROM mail_followers_mail_message_subtype_rel rel
         USING mail_followers f
         WHERE rel.mail_followers_id = f.id
           AND f.res_model = 'support.request'
           AND rel.mail_message_subtype_id = (SELECT res_id FROM ir_model_data
                                               WHERE module = 'certified_support' AND name = 'mt_request_rating')
        """
    )
