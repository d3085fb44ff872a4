import CVips
import Foundation

/// Process-wide libvips state: initialised exactly once, on first use.
public enum Vips {
    private static let initialisation: Result<Void, VipsError> = {
        // libvips prints decoder warnings ("error in tile 0 x 8") through GLib; they repeat what
        // the error we raise already says. VIPS_WARNING set before vips_init silences them.
        if getenv("VARIANT_SHOW_VIPS_WARNINGS") == nil { setenv("VIPS_WARNING", "0", 1) }
        if cvips_init("variant") != 0 {
            return .failure(VipsError.fromLibvips(.initialisationFailed, context: "vips_init"))
        }
        return .success(())
    }()

    /// Initialises libvips if it has not been initialised yet.
    /// - Throws: ``VipsError`` with code `initialisationFailed` when libvips cannot start.
    public static func initialise() throws {
        try initialisation.get()
    }

    /// The version of the linked libvips, e.g. "8.14.1".
    public static var version: String {
        String(cString: cvips_version_string())
    }

    /// Caps libvips's operation cache (number of operations kept); 0 disables it.
    public static func setOperationCacheSize(_ operations: Int) {
        try? initialise()
        cvips_cache_set_max(Int32(clamping: operations))
    }

    /// Sets the number of worker threads libvips uses per pipeline.
    public static func setConcurrency(_ threads: Int) {
        try? initialise()
        cvips_concurrency_set(Int32(clamping: threads))
    }

    /// Shuts libvips down; with `VIPS_LEAK=1` in the environment it then reports leaked objects
    /// on stderr. Call it once, at process exit, after every ``Image`` is gone.
    public static func shutdown() {
        // vips_shutdown on a libvips that was never started crashes (`VIPS_LEAK=1 variant
        // validate ...` never touches an image): start it first if needed.
        guard (try? initialise()) != nil else { return }
        cvips_shutdown()
    }
}
