// Fixed-argument wrappers over the variadic libvips calls that Swift cannot make.
// Every function is a direct pass-through: options arrive as plain C structs and are
// forwarded as named libvips options. No product logic lives here.
#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H

#include <vips/vips.h>
#include <vips/vector.h>
#include <gmodule.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <stdio.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>
#include <fontconfig/fontconfig.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// MARK: - Life cycle and errors

static inline int cvips_init(const char *argv0) { return vips_init(argv0); }
static inline void cvips_shutdown(void) { vips_shutdown(); }
static inline void cvips_leak_set(int on) { vips_leak_set(on); }
static inline void cvips_cache_set_max(int n) { vips_cache_set_max(n); }
static inline void cvips_concurrency_set(int n) { vips_concurrency_set(n); }
static inline const char *cvips_version_string(void) { return vips_version_string(); }
/// vips_version(0) major, (1) minor, (2) micro.
static inline int cvips_version(int part) { return vips_version(part); }
/// The version of the Orc library that libvips compiles its vector code with ("0.4.33"), or
/// NULL when no Orc is loaded into the process.
static inline const char *cvips_orc_version(void) {
    const char *(*version)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "orc_version_string");
    return version != NULL ? version() : NULL;
}
static inline int cvips_vector_enabled(void) { return vips_vector_isenabled(); }
/// Opens one libvips plugin module (its init registers its operations), as vips_init does for
/// every module it finds; 0 on success. The module stays loaded for the life of the process.
static inline int cvips_module_open(const char *path) { return g_module_open(path, G_MODULE_BIND_LAZY) ? 0 : -1; }
/// Why the last g_module_open of this thread failed (GLib keeps it per thread), or NULL.
static inline const char *cvips_module_error(void) { return g_module_error(); }

/// Whether libvips's error buffer holds `needle` (it is neither copied nor cleared).
static inline int cvips_error_mentions(const char *needle) {
    const char *text = vips_error_buffer();
    return text != NULL && strstr(text, needle) != NULL;
}
/// Copies and clears libvips's error buffer; free the result with cvips_free.
static inline char *cvips_error_copy(void) { return vips_error_buffer_copy(); }
static inline void cvips_error_clear(void) { vips_error_clear(); }
static inline void cvips_free(void *p) { g_free(p); }
static inline void cvips_unref(VipsImage *image) { g_object_unref(image); }

// MARK: - JPEG damage, seen by this call alone

/// libjpeg's error manager for one scan: what it said stays with the call, not in libvips's
/// error buffer, which every thread of the process shares.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    int warnings;
    char message[JMSG_LENGTH_MAX];
    FILE *file;
    /// Bytes skipped before the end-of-image marker, and the file offset just past that marker.
    long skipped, skippedEnd;
    char skippedMessage[JMSG_LENGTH_MAX];
} CVipsJpegScan;

static void cvips_jpeg_scan_fail(j_common_ptr cinfo) {
    CVipsJpegScan *scan = (CVipsJpegScan *) cinfo->err;
    (*cinfo->err->format_message)(cinfo, scan->message);
    longjmp(scan->escape, 1);
}

static void cvips_jpeg_scan_message(j_common_ptr cinfo, int level) {
    CVipsJpegScan *scan = (CVipsJpegScan *) cinfo->err;
    if (level >= 0) return;  // trace messages
    // Bytes between the last scan and the end-of-image marker: padding (zeros or 0xFF fill, as
    // some camera files have) is not damage, since every pixel has been decoded by then; other
    // bytes are entropy data the decoder never reached, because damage (a run of zeros, say)
    // decoded as valid codes and used up the image early. Which it was is read afterwards.
    if (cinfo->err->msg_code == JWRN_EXTRANEOUS_DATA && cinfo->err->msg_parm.i[1] == 0xd9 && scan->skipped == 0) {
        j_decompress_ptr d = (j_decompress_ptr) cinfo;
        scan->skipped = cinfo->err->msg_parm.i[0];
        scan->skippedEnd = ftell(scan->file) - (long) d->src->bytes_in_buffer;
        (*cinfo->err->format_message)(cinfo, scan->skippedMessage);
        return;
    }
    // The first warning is the verdict: the scan stops there (a 600 KB progressive file of
    // 3000 repeated scans, each warned about, held it for 70 s reading every one).
    scan->warnings++;
    (*cinfo->err->format_message)(cinfo, scan->message);
    longjmp(scan->escape, 2);
}

/// Whether the @count bytes libjpeg skipped before the end-of-image marker, which ends just
/// before @end in @file, are all padding (0x00 or 0xFF). The marker's own 0xFF fill bytes
/// (which libjpeg swallows without counting) are stepped over first.
static inline int cvips_jpeg_skipped_is_padding(FILE *file, long count, long end) {
    enum { window = 1 << 16 };
    if (count <= 0) return 1;
    if (count > window / 2 || end < 2) return 0;
    long start = end - 2 - window / 2 - count;
    if (start < 0) start = 0;
    long length = end - 2 - start;  // up to the marker's 0xFF
    unsigned char *buffer = malloc((size_t) length + 1);
    if (buffer == NULL) return 0;
    int padding = fseek(file, start, SEEK_SET) == 0 && fread(buffer, 1, (size_t) length, file) == (size_t) length;
    long last = length - 1;
    while (padding && last >= 0 && buffer[last] == 0xFF) last--;  // fill before the marker
    if (last + 1 < count) padding = 0;
    for (long i = last + 1 - count; padding && i <= last; i++) {
        if (buffer[i] != 0x00 && buffer[i] != 0xFF) padding = 0;
    }
    free(buffer);
    return padding;
}

/// Decodes the JPEG file at @path at 1/8 of its size (the whole entropy stream is still read)
/// with an error manager of its own. 0: libjpeg had nothing to say; 1: it warned, and decoded
/// through damage (a truncated or corrupt stream: @message holds its first warning, where the
/// scan stopped); 2: it failed (@message says why); -1: the file cannot be opened.
static inline int cvips_jpeg_scan(const char *path, char *message, size_t size) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return -1;
    struct jpeg_decompress_struct cinfo;
    CVipsJpegScan scan;
    memset(&scan, 0, sizeof scan);
    scan.file = file;
    cinfo.err = jpeg_std_error(&scan.base);
    scan.base.error_exit = cvips_jpeg_scan_fail;
    scan.base.emit_message = cvips_jpeg_scan_message;
    int escaped = setjmp(scan.escape);
    if (escaped) {
        jpeg_destroy_decompress(&cinfo);
        fclose(file);
        snprintf(message, size, "%s", scan.message);
        return escaped == 2 ? 1 : 2;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, file);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.scale_num = 1;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_IFAST;
    cinfo.do_fancy_upsampling = FALSE;
    cinfo.do_block_smoothing = FALSE;
    jpeg_start_decompress(&cinfo);
    JSAMPARRAY row = (*cinfo.mem->alloc_sarray)((j_common_ptr) &cinfo, JPOOL_IMAGE,
                                                 cinfo.output_width * cinfo.output_components, 1);
    while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, row, 1);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (scan.skipped > 0 && !cvips_jpeg_skipped_is_padding(file, scan.skipped, scan.skippedEnd)
        && scan.warnings++ == 0) {
        memcpy(scan.message, scan.skippedMessage, sizeof scan.message);
    }
    fclose(file);
    snprintf(message, size, "%s", scan.message);
    return scan.warnings > 0 ? 1 : 0;
}

// MARK: - Progress and cancellation (the per-image watchdog)

/// Called on the thread that runs an evaluation, once per finished tile.
typedef void (*CVipsEvalFn)(VipsImage *image, VipsProgress *progress, void *data);

/// Makes evaluations of @image and of every image later built on it signal on @image.
static inline void cvips_set_progress(VipsImage *image, int on) { vips_image_set_progress(image, on); }
/// Asks the evaluation of @image to stop at its next tile; it then fails with "killed for image".
static inline void cvips_set_kill(VipsImage *image, int kill) { vips_image_set_kill(image, kill); }
/// Connects @fn to @image's "eval" signal; @release(data) runs when the handler goes.
static inline unsigned long cvips_on_eval(VipsImage *image, CVipsEvalFn fn, void *data,
                                          GClosureNotify release) {
    return g_signal_connect_data(image, "eval", G_CALLBACK(fn), data, release, (GConnectFlags) 0);
}
static inline void cvips_disconnect(VipsImage *image, unsigned long handler) {
    g_signal_handler_disconnect(image, handler);
}
static inline void cvips_ref(VipsImage *image) { g_object_ref(image); }
/// The image being computed (not the one the signal was connected to).
static inline VipsImage *cvips_progress_image(VipsProgress *p) { return p->im; }
/// Seconds since this evaluation started.
static inline double cvips_progress_seconds(VipsProgress *p) { return g_timer_elapsed(p->start, NULL); }

/// A cancellation flag: set once by any thread, read by the threads that run evaluations.
static inline int *cvips_flag_new(void) { return g_new0(int, 1); }
static inline void cvips_flag_free(int *flag) { g_free(flag); }
static inline void cvips_flag_set(int *flag) { __atomic_store_n(flag, 1, __ATOMIC_RELEASE); }
static inline int cvips_flag_get(int *flag) { return __atomic_load_n(flag, __ATOMIC_ACQUIRE); }

/// What a watchdog shares with the threads that run evaluations: its limit in seconds (infinite
/// for none), an optional cancellation flag, why it last stopped an evaluation (0 not since
/// the last look, 1 the limit, 2 the cancellation), and whether it ever stopped one. Only
/// touched with atomics, which ThreadSanitizer sees (the GLib signal lock that orders the
/// hand-off it does not).
typedef struct { double limit; int fired; int ever; int *cancel; } CVipsWatch;
static inline CVipsWatch *cvips_watch_new(double limit, int *cancel) {
    CVipsWatch *watch = g_new0(CVipsWatch, 1);
    __atomic_store(&watch->limit, &limit, __ATOMIC_RELEASE);
    __atomic_store_n(&watch->cancel, cancel, __ATOMIC_RELEASE);
    return watch;
}
/// Whether an evaluation running for @elapsed seconds must stop (and records why).
static inline int cvips_watch_should_stop(CVipsWatch *watch, double elapsed) {
    int *cancel = __atomic_load_n(&watch->cancel, __ATOMIC_ACQUIRE);
    if (cancel && cvips_flag_get(cancel)) {
        __atomic_store_n(&watch->fired, 2, __ATOMIC_RELEASE);
        __atomic_store_n(&watch->ever, 1, __ATOMIC_RELEASE);
        return 1;
    }
    double limit;
    __atomic_load(&watch->limit, &limit, __ATOMIC_ACQUIRE);
    if (elapsed > limit) {
        __atomic_store_n(&watch->fired, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&watch->ever, 1, __ATOMIC_RELEASE);
        return 1;
    }
    return 0;
}
/// Why the watchdog stopped an evaluation since the last call (0: it did not), forgetting it.
static inline int cvips_watch_take(CVipsWatch *watch) { return __atomic_exchange_n(&watch->fired, 0, __ATOMIC_ACQ_REL); }
/// Whether the watchdog has stopped any evaluation, whoever looked since.
static inline int cvips_watch_ever_fired(CVipsWatch *watch) { return __atomic_load_n(&watch->ever, __ATOMIC_ACQUIRE); }
/// The handler's release function: frees the shared state when the handler is disconnected.
static inline void cvips_watch_free(gpointer watch, GClosure *closure) { (void) closure; g_free(watch); }

// MARK: - Loading

typedef struct {
    int sequential;  // VIPS_ACCESS_SEQUENTIAL when non-zero, else RANDOM
    int fail_on;     // VipsFailOn
    int all_pages;   // n = -1 (every frame) when non-zero
} CVipsLoadOptions;

static inline VipsImage *cvips_load_file(const char *path, CVipsLoadOptions o) {
    return vips_image_new_from_file(path,
        "access", o.sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
        "fail_on", (VipsFailOn) o.fail_on,
        NULL);
}

/// A JPEG decoded at 1/shrink of its size in the DCT (shrink 1, 2, 4 or 8).
static inline VipsImage *cvips_jpegload_shrink(const char *path, int shrink, CVipsLoadOptions o) {
    VipsImage *out = NULL;
    if (vips_jpegload(path, &out, "shrink", shrink,
                      "access", o.sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
                      "fail_on", (VipsFailOn) o.fail_on, NULL))
        return NULL;
    return out;
}

/// Loads from a copy of the bytes owned by libvips: the caller's buffer may be freed at once.
static inline VipsImage *cvips_load_bytes(const void *data, size_t length, CVipsLoadOptions o) {
    VipsBlob *blob = vips_blob_copy(data, length);
    VipsSource *source = vips_source_new_from_blob(blob);
    vips_area_unref(VIPS_AREA(blob));
    if (!source) return NULL;
    VipsImage *image = vips_image_new_from_source(source, "",
        "access", o.sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
        "fail_on", (VipsFailOn) o.fail_on,
        NULL);
    g_object_unref(source);
    return image;
}

static inline const char *cvips_find_load_file(const char *path) { return vips_foreign_find_load(path); }
static inline const char *cvips_find_load_bytes(const void *data, size_t length) {
    return vips_foreign_find_load_buffer(data, length);
}

static inline VipsImage *cvips_new_from_memory_copy(const void *data, size_t length,
                                                    int width, int height, int bands) {
    return vips_image_new_from_memory_copy(data, length, width, height, bands, VIPS_FORMAT_UCHAR);
}
static inline int cvips_copy_interpretation(VipsImage *in, VipsImage **out, int interpretation) {
    return vips_copy(in, out, "interpretation", (VipsInterpretation) interpretation, NULL);
}
// A copy without the metadata the savers write: EXIF (the block, and the exif-ifd* fields and
// the EXIF thumbnail the savers rebuild it from), ICC, XMP, IPTC.
static inline int cvips_copy_without_metadata(VipsImage *in, VipsImage **out) {
    if (vips_copy(in, out, NULL)) return -1;
    gchar **fields = vips_image_get_fields(*out);
    for (int i = 0; fields[i]; i++) {
        const char *name = fields[i];
        if (vips_isprefix("exif-", name) || !strcmp(name, "jpeg-thumbnail-data") || !strcmp(name, VIPS_META_ICC_NAME) ||
            !strcmp(name, VIPS_META_XMP_NAME) || !strcmp(name, VIPS_META_IPTC_NAME))
            vips_image_remove(*out, name);
    }
    g_strfreev(fields);
    return 0;
}

// MARK: - Header

static inline int cvips_width(VipsImage *i) { return vips_image_get_width(i); }
static inline int cvips_height(VipsImage *i) { return vips_image_get_height(i); }
static inline int cvips_bands(VipsImage *i) { return vips_image_get_bands(i); }
static inline int cvips_band_format(VipsImage *i) { return (int) vips_image_get_format(i); }
static inline int cvips_interpretation(VipsImage *i) { return (int) vips_image_get_interpretation(i); }
static inline int cvips_has_alpha(VipsImage *i) { return vips_image_hasalpha(i); }
static inline int cvips_orientation(VipsImage *i) { return vips_image_get_orientation(i); }
static inline int cvips_n_pages(VipsImage *i) { return vips_image_get_n_pages(i); }
static inline int cvips_page_height(VipsImage *i) { return vips_image_get_page_height(i); }
static inline int cvips_has_field(VipsImage *i, const char *name) {
    return vips_image_get_typeof(i, name) != 0;
}
/// The integer field `name`, or `fallback` when there is none.
static inline int cvips_int_field(VipsImage *i, const char *name, int fallback) {
    int value = fallback;
    if (vips_image_get_typeof(i, name) == 0) return fallback;
    if (vips_image_get_int(i, name, &value)) return fallback;
    return value;
}
/// The string field `name` (owned by the image), or NULL when there is none.
static inline const char *cvips_string_field(VipsImage *i, const char *name) {
    const char *s = NULL;
    if (vips_image_get_typeof(i, name) == 0) return NULL;
    if (vips_image_get_string(i, name, &s)) return NULL;
    return s;
}
/// The embedded ICC profile's bytes (owned by the image), or 0 when there is none.
static inline int cvips_icc_profile(VipsImage *i, const void **data, size_t *length) {
    if (vips_image_get_typeof(i, VIPS_META_ICC_NAME) == 0) return 0;
    return vips_image_get_blob(i, VIPS_META_ICC_NAME, data, length) == 0;
}
/// The loader's nickname ("jpegload", "pngload_source" ...) or NULL. Owned by the image.
static inline const char *cvips_loader(VipsImage *i) {
    const char *s = NULL;
    if (vips_image_get_typeof(i, "vips-loader") == 0) return NULL;
    if (vips_image_get_string(i, "vips-loader", &s)) return NULL;
    return s;
}

// MARK: - Colour

static inline int cvips_autorot(VipsImage *in, VipsImage **out) { return vips_autorot(in, out, NULL); }
static inline int cvips_icc_transform_srgb(VipsImage *in, VipsImage **out) {
    return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent", VIPS_INTENT_RELATIVE, NULL);
}
static inline int cvips_colourspace(VipsImage *in, VipsImage **out, int interpretation) {
    return vips_colourspace(in, out, (VipsInterpretation) interpretation, NULL);
}
static inline int cvips_cast(VipsImage *in, VipsImage **out, int format) {
    return vips_cast(in, out, (VipsBandFormat) format, NULL);
}

// MARK: - Geometry

typedef struct {
    int height;
    int size;       // VipsSize
    int no_rotate;
    int crop;       // VipsInteresting
    int linear;
    int fail_on;    // VipsFailOn
} CVipsThumbnailOptions;

static inline int cvips_thumbnail_file(const char *path, VipsImage **out, int width,
                                       CVipsThumbnailOptions o) {
    return vips_thumbnail(path, out, width, "height", o.height, "size", (VipsSize) o.size,
        "no_rotate", o.no_rotate, "crop", (VipsInteresting) o.crop, "linear", o.linear,
        "fail_on", (VipsFailOn) o.fail_on, NULL);
}
static inline int cvips_thumbnail_bytes(const void *data, size_t length, VipsImage **out, int width,
                                        CVipsThumbnailOptions o) {
    return vips_thumbnail_buffer((void *) data, length, out, width, "height", o.height,
        "size", (VipsSize) o.size, "no_rotate", o.no_rotate, "crop", (VipsInteresting) o.crop,
        "linear", o.linear, "fail_on", (VipsFailOn) o.fail_on, NULL);
}
static inline int cvips_thumbnail_image(VipsImage *in, VipsImage **out, int width,
                                        CVipsThumbnailOptions o) {
    return vips_thumbnail_image(in, out, width, "height", o.height, "size", (VipsSize) o.size,
        "no_rotate", o.no_rotate, "crop", (VipsInteresting) o.crop, "linear", o.linear, NULL);
}
static inline int cvips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width,
                                     int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}
static inline int cvips_resize(VipsImage *in, VipsImage **out, double hscale, double vscale,
                               int kernel) {
    return vips_resize(in, out, hscale, "vscale", vscale, "kernel", (VipsKernel) kernel, NULL);
}
static inline int cvips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height,
                              int extend, const double *background, int n) {
    VipsArrayDouble *bg = vips_array_double_new(background, n);
    int r = vips_embed(in, out, x, y, width, height, "extend", (VipsExtend) extend,
                       "background", bg, NULL);
    vips_area_unref(VIPS_AREA(bg));
    return r;
}
static inline int cvips_flatten(VipsImage *in, VipsImage **out, const double *background, int n) {
    VipsArrayDouble *bg = vips_array_double_new(background, n);
    int r = vips_flatten(in, out, "background", bg, NULL);
    vips_area_unref(VIPS_AREA(bg));
    return r;
}
static inline int cvips_rot(VipsImage *in, VipsImage **out, int angle) {
    return vips_rot(in, out, (VipsAngle) angle, NULL);
}
static inline int cvips_rotate(VipsImage *in, VipsImage **out, double angle, const double *background,
                               int n) {
    VipsArrayDouble *bg = vips_array_double_new(background, n);
    int r = vips_rotate(in, out, angle, "background", bg, NULL);
    vips_area_unref(VIPS_AREA(bg));
    return r;
}
static inline int cvips_flip(VipsImage *in, VipsImage **out, int direction) {
    return vips_flip(in, out, (VipsDirection) direction, NULL);
}
static inline int cvips_smartcrop(VipsImage *in, VipsImage **out, int width, int height,
                                  int interesting, int *attention_x, int *attention_y) {
    return vips_smartcrop(in, out, width, height, "interesting", (VipsInteresting) interesting,
                          "attention_x", attention_x, "attention_y", attention_y, NULL);
}

// MARK: - Pixels and effects

/* Caps glibc's malloc arenas (mallopt M_ARENA_MAX): 1 when taken, 0 when refused or when the
   C library is not glibc. */
static inline int cvips_limit_malloc_arenas(int count) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    return mallopt(M_ARENA_MAX, count);
#else
    (void) count;
    return 0;
#endif
}
static inline int cvips_shrink(VipsImage *in, VipsImage **out, int hshrink, int vshrink) {
    return vips_shrink(in, out, (double) hshrink, (double) vshrink, NULL);
}
static inline int cvips_gaussblur(VipsImage *in, VipsImage **out, double sigma) {
    return vips_gaussblur(in, out, sigma, NULL);
}
static inline int cvips_premultiply(VipsImage *in, VipsImage **out) {
    return vips_premultiply(in, out, NULL);
}
static inline int cvips_unpremultiply(VipsImage *in, VipsImage **out) {
    return vips_unpremultiply(in, out, NULL);
}
static inline int cvips_sharpen(VipsImage *in, VipsImage **out, double sigma) {
    return vips_sharpen(in, out, "sigma", sigma, NULL);
}
static inline int cvips_extract_band(VipsImage *in, VipsImage **out, int band, int n) {
    return vips_extract_band(in, out, band, "n", n, NULL);
}
static inline int cvips_min(VipsImage *in, double *out) {
    return vips_min(in, out, NULL);
}
/* 1 when the first three bands of every pixel are equal, 0 when not, -1 when the image is not
 * 8-bit with at least 3 bands or cannot be read. Reads through a region, so an image in memory
 * is read in place, without a copy; stops at the first pixel that differs. */
static inline int cvips_is_grey(VipsImage *in) {
    if (in->BandFmt != VIPS_FORMAT_UCHAR || in->Bands < 3) return -1;
    VipsRegion *region = vips_region_new(in);
    if (!region) return -1;
    int result = 1;
    VipsRect rect = { 0, 0, in->Xsize, 0 };
    for (int top = 0; top < in->Ysize && result == 1; top += 64) {
        rect.top = top;
        rect.height = VIPS_MIN(64, in->Ysize - top);
        if (vips_region_prepare(region, &rect)) { result = -1; break; }
        for (int y = top; y < top + rect.height && result == 1; y++) {
            const VipsPel *p = VIPS_REGION_ADDR(region, 0, y);
            for (int x = 0; x < in->Xsize; x++, p += in->Bands) {
                if (p[0] != p[1] || p[1] != p[2]) { result = 0; break; }
            }
        }
    }
    g_object_unref(region);
    return result;
}
static inline int cvips_bandjoin2(VipsImage *a, VipsImage *b, VipsImage **out) {
    return vips_bandjoin2(a, b, out, NULL);
}
static inline int cvips_multiply(VipsImage *a, VipsImage *b, VipsImage **out) {
    return vips_multiply(a, b, out, NULL);
}
static inline int cvips_linear1(VipsImage *in, VipsImage **out, double a, double b) {
    return vips_linear1(in, out, a, b, NULL);
}
static inline int cvips_composite2(VipsImage *base, VipsImage *overlay, VipsImage **out, int mode,
                                   int x, int y) {
    return vips_composite2(base, overlay, out, (VipsBlendMode) mode, "x", x, "y", y, NULL);
}
// One band, 0 (no ink) to 255, sized to the ink; `markup` is Pango markup. align: 0 low, 1 centre,
// 2 high. spacing 0 keeps the font's own line spacing.
static inline int cvips_text(VipsImage **out, const char *markup, const char *font, int dpi, int align,
                             int justify, int spacing) {
    if (spacing > 0)
        return vips_text(out, markup, "font", font, "dpi", dpi, "align", (VipsAlign) align, "justify", justify,
                         "spacing", spacing, NULL);
    return vips_text(out, markup, "font", font, "dpi", dpi, "align", (VipsAlign) align, "justify", justify, NULL);
}
// The family fontconfig gives for `family` (and weight and slant), the one Pango draws with: every
// name the font goes by ("DejaVu Sans\nDejaVu Sans Condensed"), one a line, copied into `out`; and
// which of `scalars` no installed font has (their indices into `missing`, the count returned). -1
// when fontconfig has no font at all.
static inline int cvips_font_match(const char *family, int bold, int italic, const unsigned int *scalars,
                                   int count, char *out, size_t size, int *missing) {
    out[0] = 0;
    FcPattern *pattern = FcPatternCreate();
    if (!pattern) return -1;
    FcPatternAddString(pattern, FC_FAMILY, (const FcChar8 *) family);
    if (bold) FcPatternAddInteger(pattern, FC_WEIGHT, FC_WEIGHT_BOLD);
    if (italic) FcPatternAddInteger(pattern, FC_SLANT, FC_SLANT_ITALIC);
    FcConfigSubstitute(NULL, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcCharSet *coverage = NULL;
    FcFontSet *fonts = FcFontSort(NULL, pattern, FcTrue, &coverage, &result);
    FcPatternDestroy(pattern);
    if (!fonts || fonts->nfont == 0) {
        if (fonts) FcFontSetDestroy(fonts);
        if (coverage) FcCharSetDestroy(coverage);
        return -1;
    }
    FcChar8 *name = NULL;
    size_t used = 0;
    for (int k = 0; used + 1 < size && FcPatternGetString(fonts->fonts[0], FC_FAMILY, k, &name) == FcResultMatch && name; k++) {
        int n = snprintf(out + used, size - used, "%s%s", k ? "\n" : "", (const char *) name);
        if (n < 0 || (size_t) n >= size - used) { out[used] = 0; break; }
        used += (size_t) n;
    }
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (!coverage || !FcCharSetHasChar(coverage, scalars[i])) missing[n++] = i;
    }
    FcFontSetDestroy(fonts);
    if (coverage) FcCharSetDestroy(coverage);
    return n;
}
static inline VipsImage *cvips_copy_memory(VipsImage *in) { return vips_image_copy_memory(in); }
static inline void *cvips_write_to_memory(VipsImage *in, size_t *length) {
    return vips_image_write_to_memory(in, length);
}

// MARK: - Encoders

typedef struct {
    int quality;
    int interlace;
    int subsample_mode;  // VipsForeignSubsample
    int strip;
    int optimize_coding;
} CVipsJpegOptions;

static inline int cvips_jpegsave(VipsImage *in, void **buf, size_t *len, CVipsJpegOptions o) {
    return vips_jpegsave_buffer(in, buf, len, "Q", o.quality, "interlace", o.interlace,
        "subsample_mode", (VipsForeignSubsample) o.subsample_mode, "strip", o.strip,
        "optimize_coding", o.optimize_coding, NULL);
}

typedef struct {
    int quality;
    int lossless;
    int effort;
    int strip;
    int smart_subsample;
    int alpha_quality;
} CVipsWebpOptions;

static inline int cvips_webpsave(VipsImage *in, void **buf, size_t *len, CVipsWebpOptions o) {
    return vips_webpsave_buffer(in, buf, len, "Q", o.quality, "lossless", o.lossless,
        "effort", o.effort, "strip", o.strip, "smart_subsample", o.smart_subsample,
        "alpha_q", o.alpha_quality, NULL);
}

typedef struct {
    int quality;
    int effort;
    int lossless;
    int subsample_mode;  // VipsForeignSubsample
    int strip;
} CVipsAvifOptions;

static inline int cvips_avifsave(VipsImage *in, void **buf, size_t *len, CVipsAvifOptions o) {
    return vips_heifsave_buffer(in, buf, len, "Q", o.quality, "effort", o.effort,
        "lossless", o.lossless, "subsample_mode", (VipsForeignSubsample) o.subsample_mode,
        "strip", o.strip, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "bitdepth", 8, NULL);
}

typedef struct {
    int compression;
    int interlace;
    int palette;
    int quality;   // palette quantisation quality
    int effort;    // palette quantisation effort
    double dither;
    int strip;
} CVipsPngOptions;

static inline int cvips_pngsave(VipsImage *in, void **buf, size_t *len, CVipsPngOptions o) {
    if (o.palette)
        return vips_pngsave_buffer(in, buf, len, "compression", o.compression,
            "interlace", o.interlace, "palette", TRUE, "Q", o.quality, "effort", o.effort,
            "dither", o.dither, "strip", o.strip, NULL);
    return vips_pngsave_buffer(in, buf, len, "compression", o.compression,
        "interlace", o.interlace, "strip", o.strip, NULL);
}

typedef struct {
    double dither;
    int effort;
    int bitdepth;
    int interlace;
    int strip;
} CVipsGifOptions;

static inline int cvips_gifsave(VipsImage *in, void **buf, size_t *len, CVipsGifOptions o) {
    return vips_gifsave_buffer(in, buf, len, "dither", o.dither, "effort", o.effort,
        "bitdepth", o.bitdepth, "interlace", o.interlace, "strip", o.strip, NULL);
}

#endif
