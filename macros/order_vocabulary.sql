{#- The known order statuses, channels and genders, and how raw spellings map onto them. -#}

{% macro order_statuses() -%}
    {{ return(['completed', 'delivered', 'shipped', 'pending', 'cancelled', 'refunded', 'returned']) }}
{%- endmacro %}


{#- Statuses whose orders count as purchases (with the amount floor and the as-of date). -#}
{% macro purchase_statuses() -%}
    {{ return(['completed', 'delivered', 'shipped']) }}
{%- endmacro %}


{#- Lower-cased, trimmed status with runs of white space/hyphens as one underscore; 'canceled'
    spelled 'cancelled'. Anything not in order_statuses() stays as written, so that staging can
    reject it by name. -#}
{% macro normalise_order_status(expression) -%}
    {%- set folded -%}
        {{ replace_all('lower(' ~ trim_text(expression) ~ ')', '[\s-]+', '_') }}
    {%- endset -%}
    case {{ folded }}
        when 'canceled' then 'cancelled'
        else {{ folded }}
    end
{%- endmacro %}


{#- The channels a raw channel can be recognised as; 'other' (unrecognised) and 'unknown' (empty) are not among them. -#}
{% macro known_order_channels() -%}
    {{ return(['online', 'store', 'mobile_app', 'social', 'marketplace', 'phone']) }}
{%- endmacro %}


{#- One of known_order_channels(): known spellings folded, empty as 'unknown', anything else as 'other'. -#}
{% macro normalise_channel(expression) -%}
    {%- set folded -%}
        {{ replace_all('lower(' ~ trim_text(expression) ~ ')', '[\s-]+', '_') }}
    {%- endset -%}
    case
        when {{ folded }} is null then 'unknown'
        when {{ folded }} in ('online', 'web', 'website', 'ecommerce', 'e_commerce', 'webshop')
            then 'online'
        when {{ folded }} in ('store', 'in_store', 'instore', 'retail', 'shop', 'pos', 'offline')
            then 'store'
        when {{ folded }} in ('mobile_app', 'app', 'mobile', 'mobileapp', 'ios', 'android')
            then 'mobile_app'
        when {{ folded }} in ('social', 'facebook', 'instagram', 'tiktok', 'zalo', 'social_media')
            then 'social'
        when {{ folded }} in ('marketplace', 'shopee', 'lazada', 'tiki', 'amazon')
            then 'marketplace'
        when {{ folded }} in ('phone', 'call_center', 'telephone', 'hotline')
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


{#- The lifecycle segments in ladder order (first match wins). -#}
{% macro lifecycle_segments() -%}
    {{ return(['prospect', 'new', 'churned', 'lapsed', 'at_risk', 'loyal', 'repeat', 'active']) }}
{%- endmacro %}


{#- A list of strings as a SQL list of quoted literals: ['a', 'b'] -> 'a', 'b'. -#}
{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
