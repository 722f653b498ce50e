{#-
    SQL for the key a city or province name is matched by in the seed subregions
    (docs/customer-types.md, "Regions within a country"): lower case (Vietnamese capitals folded
    on every engine), punctuation as spaces, runs of white space as one, trimmed, without a
    leading `tỉnh` / `thành phố` / `tp` or a trailing `city` / `province`. tools/generate_subregions.py writes the seed's keys the same way.
-#}
{% macro place_key(expression) -%}
    {#- lower() of PostgreSQL with the C locale folds ASCII letters only: Vietnamese capitals are
        folded by translate too, the same on every engine -#}
    {%- set capitals = 'ĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ' -%}
    {%- set folded = 'translate(lower(' ~ expression ~ "), '" ~ capitals ~ "', '" ~ capitals | lower ~ "')" -%}
    {%- set spaced = replace_all(
        replace_all(folded, "[-\u2013\u2014_.,;:'\"()/]+", ' '), '\s+', ' '
    ) -%}
    {%- set unprefixed = replace_all('trim(' ~ spaced ~ ')', '^(tỉnh|tinh|thành phố|thanh pho|tp) ', '') -%}
    nullif(trim({{ replace_all(unprefixed, ' (city|province)$', '') }}), '')
{%- endmacro %}
