/* mkgsf writes gwyddion-64x48.gsf with Gwyddion's own GSF exporter (libgwyddion 2.x, module "gsffile").
 * Build and run (Debian: apt-get install gwyddion libgwyddion20-dev):
 *   gcc -Wno-deprecated-declarations -o /tmp/mkgsf mkgsf.c $(pkg-config --cflags --libs gwyddion) -lm
 *   /tmp/mkgsf    # in this directory
 * The values written are listed in README.md and asserted by gsf_test.go. The mask is set to show that the GSF
 * exporter drops it: every pixel of the file is valid.
 */
#include <math.h>
#include <stdio.h>
#include <libgwyddion/gwyddion.h>
#include <libprocess/gwyprocess.h>
#include <libgwymodule/gwymodule.h>
#include <app/gwyapp.h>

int main(void) {
    GError *err = NULL;
    gwy_app_init_nongui(NULL);
    GwyDataField *f = gwy_data_field_new(64, 48, 320e-6, 360e-6, FALSE);
    gwy_data_field_set_xoffset(f, -100e-6);
    gwy_data_field_set_yoffset(f, 50e-6);
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_xy(f), "m");
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(f), "m");
    for (int r = 0; r < 48; r++)
        for (int c = 0; c < 64; c++)
            gwy_data_field_set_val(f, c, r, 1e-6*(0.5 + 0.02*c - 0.03*r + 0.1*sin(c/5.0)*cos(r/7.0)));
    GwyDataField *m = gwy_data_field_new_alike(f, TRUE);
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(m), "");
    gwy_data_field_area_fill(m, 10, 5, 10, 10, 1.0);
    gwy_data_field_set_val(m, 63, 47, 1.0);
    GwyContainer *data = gwy_container_new();
    gwy_container_set_object_by_name(data, "/0/data", f);
    gwy_container_set_object_by_name(data, "/0/mask", m);
    gwy_container_set_const_string_by_name(data, "/0/data/title", "Height");
    gwy_app_data_browser_add(data);
    gwy_app_data_browser_select_data_field(data, 0);
    if (!gwy_file_save(data, "gwyddion-64x48.gsf", GWY_RUN_NONINTERACTIVE, &err)) {
        fprintf(stderr, "mkgsf: %s\n", err ? err->message : "save failed");
        return 1;
    }
    return 0;
}
