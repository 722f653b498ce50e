{#-
    This project's name as a dbt package. `project_name` is the root project's name, which differs
    when another project installs this one (packages.yml): graph lookups of this project's own
    nodes and sources use this instead.
-#}
{% macro segmentation_package() -%}
    {{ return('segmentation') }}
{%- endmacro %}
