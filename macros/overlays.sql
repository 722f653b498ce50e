{#- Vocabularies and formulas of the overlays beside the lifecycle segment (docs/rules.md, "Overlays"). -#}

{#-
    Age bands: (label, lowest age in years) from the youngest up; each band runs to the next
    band's lowest age, the last one to var `max_plausible_age`. Ages outside are 'unknown'.
-#}
{% macro age_bands() -%}
    {{ return([
        ('under_18', 0), ('18-24', 18), ('25-34', 25), ('35-44', 35), ('45-54', 45),
        ('55-64', 55), ('65+', 65),
    ]) }}
{%- endmacro %}


{#-
    A 1..`buckets` score from a rank among `population` rows (rank 1 = worst value, ties share
    their lowest rank): 1 + floor(buckets × (rank − 1) / population), i.e. the share of rows with
    a strictly worse value, cut into equal bands. Integer comparisons only, so exact on any engine.
-#}
{% macro score_from_rank(rank, population, buckets=5) -%}
    case
        {%- for score in range(buckets, 1, -1) %}
            when {{ buckets }} * ({{ rank }} - 1) >= {{ score - 1 }} * {{ population }} then {{ score }}
        {%- endfor %}
        else 1
    end
{%- endmacro %}


{#-
    Completed years of age on `on_date` for someone born on `birth_date`; the birthday counts from
    its day (someone born on 29 February turns a year older on 1 March in other years).
-#}
{% macro age_in_years(birth_date, on_date) -%}
    cast(
        extract(year from {{ on_date }}) - extract(year from {{ birth_date }})
        - case
            when
                extract(month from {{ on_date }}) * 100 + extract(day from {{ on_date }})
                < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                then 1
            else 0
        end
        as {{ dbt.type_int() }}
    )
{%- endmacro %}
