from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def querystring_for(query: dict, **changes) -> str:
    """`?a=1&page=2`: the list's canonical parameters with some changed (a value of None drops the key)."""
    params = {**query, **changes}
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"?{urlencode(params)}" if params else ""
