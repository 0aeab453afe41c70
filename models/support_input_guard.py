from odoo import api, models
from odoo.exceptions import ValidationError

from ..input_bounds import MAX_ID, MAX_STORABLE_NUMBER, is_finite_number, unstorable_character


class SupportInputGuard(models.AbstractModel):
    """Refuses, before anything reaches PostgreSQL or the price computations, the values they
    cannot take: text with a NUL character, NaN, infinite and absurdly large numbers, integers
    beyond PostgreSQL's; and text longer than the bounds of ``_support_text_max_lengths``
    (field name → characters, from ``input_bounds``). Whatever the client: portal, web
    client or RPC. The ranges of each number are SQL constraints of the models."""

    _name = "support.input.guard"
    _description = "Bounds of typed values"

    _support_text_max_lengths = {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._support_check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._support_check_input(vals)
        return super().write(vals)

    @api.model
    def _support_check_input(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or value is None or value is False:
                continue
            label = field._description_string(self.env)
            if field.type in ("char", "text", "html"):
                texts = value.values() if isinstance(value, dict) else [value]  # translations
                if any(isinstance(text, str) and unstorable_character(text) for text in texts):
                    raise ValidationError(
                        self.env._(
                            "%(field)s contains characters that cannot be stored (control characters): remove them.",
                            field=label,
                        )
                    )
                max_length = self._support_text_max_lengths.get(name)
                if max_length and isinstance(value, str) and len(value.strip()) > max_length:
                    raise ValidationError(
                        self.env._(
                            "%(field)s is too long (%(max)s characters at most).",
                            field=label,
                            max=max_length,
                        )
                    )
            elif field.type in ("float", "monetary") and isinstance(value, (int, float)):
                if not is_finite_number(value) or abs(value) > MAX_STORABLE_NUMBER:
                    raise ValidationError(self.env._("%(field)s must be a number.", field=label))
            elif field.type == "integer" and isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
                raise ValidationError(self.env._("%(field)s must be a number.", field=label))
