/* mksur writes gwyddion-40x30.sur with Gwyddion's own Digital Surf exporter
 * (libgwyddion 2.62, module "surffile").
 * Build and run (Debian: apt-get install gwyddion libgwyddion20-dev):
 *   gcc -Wno-deprecated-declarations -o /tmp/mksur mksur.c $(pkg-config --cflags --libs gwyddion) -lm
 *   /tmp/mksur    # in this directory
 * The surface is z(c, r) = 0.5 + 0.02·c − 0.03·r + 0.1·sin(c/5)·cos(r/7) µm on a
 * 4 µm × 5 µm grid; decode_test.go checks the decoder against this formula.
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
    GwyDataField *f = gwy_data_field_new(40, 30, 160e-6, 150e-6, FALSE);
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_xy(f), "m");
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(f), "m");
    for (int r = 0; r < 30; r++)
        for (int c = 0; c < 40; c++)
            gwy_data_field_set_val(f, c, r, 1e-6*(0.5 + 0.02*c - 0.03*r + 0.1*sin(c/5.0)*cos(r/7.0)));
    GwyContainer *data = gwy_container_new();
    gwy_container_set_object_by_name(data, "/0/data", f);
    gwy_app_data_browser_add(data);
    gwy_app_data_browser_select_data_field(data, 0);
    if (!gwy_file_save(data, "gwyddion-40x30.sur", GWY_RUN_NONINTERACTIVE, &err)) {
        fprintf(stderr, "mksur: %s\n", err ? err->message : "save failed");
        return 1;
    }
    return 0;
}
