{#-
    Personal data in text that BI tools may read (the reject marts' raw text): what an email
    address or a phone number looks like, and the mask put in place of such a value. The same
    patterns are checked on every relation BI tools read by tools/check_pii.py.
-#}

{#- An email address anywhere in a text. -#}
{% macro personal_email_pattern() -%}
    {{ return('[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}') }}
{%- endmacro %}


{#- A whole value that looks like a phone number: + or 0 or ( first, 9 to 22 digits and separators. -#}
{% macro personal_phone_pattern() -%}
    {{ return('[+0(][0-9 ().-]{7,20}[0-9]') }}
{%- endmacro %}


{#- True when `pattern` matches somewhere in `expression`; null for null. -#}
{% macro contains_match(expression, pattern) -%}
    {{ return(adapter.dispatch('contains_match', 'segmentation')(expression, pattern)) }}
{%- endmacro %}

{% macro default__contains_match(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ string_literal(pattern) }})
{%- endmacro %}

{% macro postgres__contains_match(expression, pattern) -%}
    ({{ expression }} ~ {{ string_literal(pattern) }})
{%- endmacro %}

{% macro spark__contains_match(expression, pattern) -%}
    ({{ expression }} rlike {{ string_literal(pattern) }})
{%- endmacro %}


{#- True when the text `expression` holds an email address or is a phone number. -#}
{% macro looks_personal(expression) -%}
    coalesce(
        {{ contains_match(expression, personal_email_pattern()) }}
        or {{ matches_fully(trim_text(expression), personal_phone_pattern()) }},
        false
    )
{%- endmacro %}


{#- `expression`, or the text `[masked]` when it holds an email address or is a phone number. -#}
{% macro masked_if_personal(expression) -%}
    case when {{ looks_personal(expression) }} then '[masked]' else {{ expression }} end
{%- endmacro %}


{#-
    Marketing consent from raw text: true for true/yes/y/1/t/opt-in/opted-in/subscribed, false for
    false/no/n/0/f/opt-out/opted-out/unsubscribed (trimmed, any case), null otherwise (missing or
    unreadable: then the var marketing_consent_default decides, docs/playbook.md).
-#}
{% macro parse_consent(expression) -%}
    case
        when lower({{ clean_text(expression) }}) in ('true', 'yes', 'y', '1', 't', 'opt-in', 'opted-in', 'subscribed')
            then true
        when lower({{ clean_text(expression) }}) in ('false', 'no', 'n', '0', 'f', 'opt-out', 'opted-out', 'unsubscribed')
            then false
    end
{%- endmacro %}
