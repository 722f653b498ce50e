{#- The known order statuses, channels and genders, and how raw spellings map onto them. -#}

{% macro order_statuses() -%}
    {{ return(['completed', 'delivered', 'shipped', 'pending', 'cancelled', 'refunded', 'returned']) }}
{%- endmacro %}


{#- Statuses whose orders count as purchases (with the amount floor and the as-of date). -#}
{% macro purchase_statuses() -%}
    {{ return(['completed', 'delivered', 'shipped']) }}
{%- endmacro %}


{#- A raw status or channel as a vocabulary key: trimmed, lower-cased, runs of white space and
    hyphens as one underscore; empty becomes null. Computed once per row, then mapped by
    normalise_order_status and normalise_channel. -#}
{% macro vocabulary_key(expression) -%}
    {{ replace_all('lower(' ~ trim_text(expression) ~ ')', '[\s-]+', '_') }}
{%- endmacro %}


{#- The status of a vocabulary_key: 'canceled' spelled 'cancelled'. Anything not in
    order_statuses() stays as written, so that staging can reject it by name. -#}
{% macro normalise_order_status(key) -%}
    case {{ key }}
        when 'canceled' then 'cancelled'
        else {{ key }}
    end
{%- endmacro %}


{#- The channels a raw channel can be recognised as; 'other' (unrecognised) and 'unknown' (empty) are not among them. -#}
{% macro known_order_channels() -%}
    {{ return(['online', 'store', 'mobile_app', 'social', 'marketplace', 'phone']) }}
{%- endmacro %}


{#- The channel of a vocabulary_key: one of known_order_channels(), 'unknown' when empty, 'other' for anything else. -#}
{% macro normalise_channel(key) -%}
    case
        when {{ key }} is null then 'unknown'
        when {{ key }} in ('online', 'web', 'website', 'ecommerce', 'e_commerce', 'webshop')
            then 'online'
        when {{ key }} in ('store', 'in_store', 'instore', 'retail', 'shop', 'pos', 'offline')
            then 'store'
        when {{ key }} in ('mobile_app', 'app', 'mobile', 'mobileapp', 'ios', 'android')
            then 'mobile_app'
        when {{ key }} in ('social', 'facebook', 'instagram', 'tiktok', 'zalo', 'social_media')
            then 'social'
        when {{ key }} in ('marketplace', 'shopee', 'lazada', 'tiki', 'amazon')
            then 'marketplace'
        when {{ key }} in ('phone', 'call_center', 'telephone', 'hotline')
            then 'phone'
        else 'other'
    end
{%- endmacro %}


{#- One of female, male, other, unknown. -#}
{% macro normalise_gender(expression) -%}
    case
        when lower({{ clean_text(expression) }}) in ('f', 'female', 'woman', 'nu', 'nữ') then 'female'
        when lower({{ clean_text(expression) }}) in ('m', 'male', 'man', 'nam') then 'male'
        when {{ clean_text(expression) }} is null then 'unknown'
        else 'other'
    end
{%- endmacro %}


{#- The lifecycle segments in ladder order (first match wins), from the rungs of macro lifecycle_rungs. -#}
{% macro lifecycle_segments() -%}
    {{ return(lifecycle_rungs() | map(attribute='segment') | list) }}
{%- endmacro %}


{#- A list of strings as a SQL list of quoted literals: ['a', 'b'] -> 'a', 'b'. -#}
{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- The kinds of feedback of raw_feedback (as vocabulary keys): survey answers, reviews and complaints. -#}
{% macro feedback_kinds() -%}
    {{ return(['nps', 'csat', 'review', 'complaint']) }}
{%- endmacro %}
