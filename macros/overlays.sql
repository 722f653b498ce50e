{#- Vocabularies and formulas of the overlays beside the lifecycle segment (README, "Overlays"). -#}

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

