import { registry } from "@web/core/registry";

function openReportingMenu(name) {
    return [
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Reporting)",
            run: "click",
        },
        {
            content: `Open ${name}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${name})`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("support_reporting_views_tour", {
    steps: () => [
        {
            content: "The requests' pivot table",
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The requests' graph",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        ...openReportingMenu("Requests per State"),
        {
            content: "Requests grouped by state",
            trigger: ".o_list_view .o_group_header",
        },
        ...openReportingMenu("A1 Forms"),
        {
            content: "The A1 Forms' pivot table",
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The A1 Forms' graph",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        ...openReportingMenu("Production Orders"),
        {
            content: "The production orders' pivot table",
            trigger: ".o_pivot_view .o_pivot table",
        },
        ...openReportingMenu("Customer Satisfaction"),
        {
            content: "The satisfaction pivot table",
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The satisfaction graph",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Open the Requests menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Requests)",
            run: "click",
        },
        {
            content: "Open the account manager's board",
            trigger: ".o-dropdown--menu .dropdown-item:contains(RV Requests)",
            run: "click",
        },
        {
            content: "The board of requests by state",
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        ...openReportingMenu("Export to Excel"),
        {
            content: "The export wizard",
            trigger: ".modal .o_form_view .o_field_widget[name=report_kind]",
        },
    ],
});
