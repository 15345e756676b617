/* Tiny helper around libgwyddion: load a file and print its data field, or
 * build a field with known values and export it with a named exporter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>
#include <libgwyddion/gwyddion.h>
#include <libprocess/gwyprocess.h>
#include <libgwymodule/gwymodule.h>
#include <app/gwyapp.h>

static void init(int *argc, char ***argv) {
    gtk_init(argc, argv);
    gwy_widgets_type_init();
    gwy_app_settings_load(gwy_app_settings_get_settings_filename(), NULL);
    gwy_resource_class_load(g_type_class_peek(GWY_TYPE_GRADIENT));
    gwy_module_register_modules((const gchar*[]){GWY_MODULE_DIR "/file", NULL});
}

int main(int argc, char **argv) {
    GError *err = NULL;
    init(&argc, &argv);
    if (argc >= 3 && strcmp(argv[1], "load") == 0) {
        const gchar *name = NULL;
        GwyContainer *c = gwy_file_load(argv[2], GWY_RUN_NONINTERACTIVE, &err);
        if (!c) { fprintf(stderr, "load: %s\n", err ? err->message : "?"); return 1; }
        gwy_file_get_data_info(c, &name, NULL);
        GwyDataField *f = gwy_container_get_object_by_name(c, "/0/data");
        GwyDataField *mask = NULL;
        gwy_container_gis_object_by_name(c, "/0/mask", &mask);
        gint xres = gwy_data_field_get_xres(f), yres = gwy_data_field_get_yres(f);
        printf("module %s\nxres %d yres %d\ndx %.17g dy %.17g\n", name ? name : "?", xres, yres,
               gwy_data_field_get_dx(f), gwy_data_field_get_dy(f));
        const gdouble *d = gwy_data_field_get_data_const(f);
        const gdouble *m = mask ? gwy_data_field_get_data_const(mask) : NULL;
        for (gint i = 0; i < xres*yres; i++)
            printf("%.17g%s%s", d[i], m && m[i] > 0.5 ? "*" : "", (i+1) % xres ? " " : "\n");
        return 0;
    }
    if (argc >= 9 && strcmp(argv[1], "export") == 0) {
        /* export FUNC FILE XRES YRES XREAL YREAL ZUNIT [comment] */
        gint xres = atoi(argv[4]), yres = atoi(argv[5]);
        GwyDataField *f = gwy_data_field_new(xres, yres, g_ascii_strtod(argv[6], NULL),
                                             g_ascii_strtod(argv[7], NULL), FALSE);
        gdouble *d = gwy_data_field_get_data(f);
        /* Known values: z(c, r) = (100 r + c - 7) * 1e-9 * ((c + r) % 2 ? 1 : -1.5) */
        for (gint r = 0; r < yres; r++)
            for (gint c = 0; c < xres; c++)
                d[r*xres + c] = (100.0*r + c - 7) * 1e-9 * ((c + r) % 2 ? 1.0 : -1.5);
        gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_xy(f), "m");
        gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(f), argv[8]);
        GwyContainer *c = gwy_container_new();
        gwy_container_set_object_by_name(c, "/0/data", f);
        gwy_container_set_const_string_by_name(c, "/0/data/title", "Height");
        gwy_app_data_browser_add(c);
        gwy_app_data_browser_select_data_field(c, 0);
        GwyContainer *s = gwy_app_settings_get();
        gwy_container_set_boolean_by_name(s, "/module/asciiexport/add-comment", argc > 9);
        gwy_container_set_boolean_by_name(s, "/module/asciiexport/decimal-dot", TRUE);
        if (!gwy_file_func_run_export(argv[2], c, argv[3], GWY_RUN_NONINTERACTIVE, &err)) {
            fprintf(stderr, "export: %s\n", err ? err->message : "?");
            return 1;
        }
        return 0;
    }
    fprintf(stderr, "usage: gwyref load FILE | export FUNC FILE XRES YRES XREAL YREAL ZUNIT [comment]\n");
    return 2;
}
