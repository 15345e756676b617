/* mkgwy writes gwyddion-3ch.gwy with Gwyddion's own native-file writer (libgwyddion 2.x, module "gwyfile").
 * Build and run (Debian: apt-get install gwyddion libgwyddion20-dev):
 *   gcc -Wno-deprecated-declarations -o /tmp/mkgwy mkgwy.c $(pkg-config --cflags --libs gwyddion) -lm
 *   /tmp/mkgwy    # in this directory
 * The values written are listed in README.md and asserted by gwy_test.go.
 */
#include <math.h>
#include <stdio.h>
#include <libgwyddion/gwyddion.h>
#include <libprocess/gwyprocess.h>
#include <libgwydgets/gwydgets.h>
#include <libgwymodule/gwymodule.h>
#include <app/gwyapp.h>

static GwyDataField *field(int xres, int yres, double xreal, double yreal, const char *zunit) {
    GwyDataField *f = gwy_data_field_new(xres, yres, xreal, yreal, TRUE);
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_xy(f), "m");
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(f), zunit);
    return f;
}

int main(void) {
    GError *err = NULL;
    gwy_app_init_nongui(NULL);
    GwyContainer *data = gwy_container_new();

    /* Channel 0: 64x48 height map in metres, pitch 5 um x 7.5 um, offset (-100, 50) um, with a mask. */
    GwyDataField *f0 = field(64, 48, 320e-6, 360e-6, "m");
    gwy_data_field_set_xoffset(f0, -100e-6);
    gwy_data_field_set_yoffset(f0, 50e-6);
    for (int r = 0; r < 48; r++)
        for (int c = 0; c < 64; c++)
            gwy_data_field_set_val(f0, c, r, 1e-6*(0.5 + 0.02*c - 0.03*r + 0.1*sin(c/5.0)*cos(r/7.0)));
    GwyDataField *m0 = gwy_data_field_new_alike(f0, TRUE);
    gwy_si_unit_set_from_string(gwy_data_field_get_si_unit_z(m0), "");
    gwy_data_field_area_fill(m0, 10, 5, 10, 10, 1.0); /* cols 10-19, rows 5-14: 100 px */
    gwy_data_field_set_val(m0, 63, 47, 1.0);          /* last pixel: 101 px in all */
    gwy_container_set_object_by_name(data, "/0/data", f0);
    gwy_container_set_object_by_name(data, "/0/mask", m0);
    gwy_container_set_const_string_by_name(data, "/0/data/title", "Height");
    GwyContainer *meta = gwy_container_new();
    gwy_container_set_const_string_by_name(meta, "Operator", "mkgwy");
    gwy_container_set_const_string_by_name(meta, "Comment", "synthetic test data");
    gwy_container_set_object_by_name(data, "/0/meta", meta);

    /* Channel 3: 16x12, pitch 0.5 um, z = c*r nm. */
    GwyDataField *f3 = field(16, 12, 8e-6, 6e-6, "m");
    for (int r = 0; r < 12; r++)
        for (int c = 0; c < 16; c++)
            gwy_data_field_set_val(f3, c, r, 1e-9*c*r);
    gwy_container_set_object_by_name(data, "/3/data", f3);
    gwy_container_set_const_string_by_name(data, "/3/data/title", "Small");

    /* Channel 7: 8x4 current map in amperes (not a height). */
    GwyDataField *f7 = field(8, 4, 8e-6, 4e-6, "A");
    gwy_data_field_fill(f7, 1e-12);
    gwy_container_set_object_by_name(data, "/7/data", f7);
    gwy_container_set_const_string_by_name(data, "/7/data/title", "Current");

    /* A graph with one curve: object arrays and double arrays the decoder must skip. */
    GwyGraphModel *g = gwy_graph_model_new();
    GwyGraphCurveModel *cm = gwy_graph_curve_model_new();
    gdouble xs[5] = {0, 1, 2, 3, 4}, ys[5] = {4, 3, 2, 1, 0};
    gwy_graph_curve_model_set_data(cm, xs, ys, 5);
    g_object_set(cm, "description", "profile", NULL);
    gwy_graph_model_add_curve(g, cm);
    gwy_container_set_object_by_name(data, "/0/graph/graph/1", g);

    if (!gwy_file_save(data, "gwyddion-3ch.gwy", GWY_RUN_NONINTERACTIVE, &err)) {
        fprintf(stderr, "mkgwy: %s\n", err ? err->message : "save failed");
        return 1;
    }
    return 0;
}
