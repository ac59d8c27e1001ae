"""The 同意/不同意解约 forms every page of a contract may show."""

from django import template

from ..forms import DecisionForm

register = template.Library()


@register.simple_tag(takes_context=True)
def termination_answer_form(context):
    """The counterpart's 同意/不同意解约 form: the bound one a failed POST left in the context, or a fresh one."""
    return context.get("answer_form") or DecisionForm(label="意见（不同意时必填）", refusal_label="不同意原因")


@register.simple_tag(takes_context=True)
def termination_review_form(context):
    return context.get("termination_review_form") or DecisionForm(
        label="审核意见（不通过时必填）", refusal_label="不通过原因", prefix_id="termination-review"
    )
