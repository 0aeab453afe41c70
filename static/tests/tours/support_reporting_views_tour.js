import { registry } from "@web/core/registry";

function openMenu(section, item) {
    return [
        {
            content: `Open the ${section} menu`,
            trigger: `.o_menu_sections .dropdown-toggle:contains(${section})`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${item})`,
            run: "click",
        },
    ];
}

function pivotTable(subject) {
    return {
        content: `${subject}: the pivot table`,
        trigger: ".o_pivot_view .o_pivot table",
    };
}

function pivotThenGraph(subject) {
    return [
        pivotTable(subject),
        {
            content: `${subject}: switch to the graph`,
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: `${subject}: the graph`,
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
    ];
}

registry.category("web_tour.tours").add("support_reporting_views_tour", {
    steps: () => [
        ...pivotThenGraph("Requests"),
        ...openMenu("Reporting", "Requests per State"),
        {
            content: "Requests grouped by state",
            trigger: ".o_list_view .o_group_header",
        },
        ...openMenu("Reporting", "A1 Forms"),
        ...pivotThenGraph("A1 Forms"),
        ...openMenu("Reporting", "Production Orders"),
        pivotTable("Production orders"),
        ...openMenu("Reporting", "Customer Satisfaction"),
        ...pivotThenGraph("Satisfaction"),
        ...openMenu("Requests", "RV Requests"),
        {
            content: "The board of requests by state",
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        ...openMenu("Reporting", "Export to Excel"),
        {
            content: "The export wizard",
            trigger: ".modal .o_form_view .o_field_widget[name=report_kind]",
        },
    ],
});
