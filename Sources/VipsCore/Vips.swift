import CVips
import Foundation

/// Process-wide libvips state: initialised exactly once, on first use.
public enum Vips {
    private static let initialisation: Result<Void, VipsError> = {
        // libvips prints decoder warnings ("error in tile 0 x 8") through GLib; they repeat what
        // the error we raise already says. VIPS_WARNING set before vips_init silences them.
        if getenv("VARIANT_SHOW_VIPS_WARNINGS") == nil { setenv("VIPS_WARNING", "0", 1) }
        // libvips opens every plugin module in its module directory when it starts. Pointing
        // VIPSHOME (read once, at start) at a place without modules keeps them out; they are
        // opened when first needed instead (``openModules(_:)``).
        let modules = getenv("VIPSHOME") == nil ? Modules.directory() : nil
        if let modules { setenv("VIPSHOME", modules.path, 1) }
        let failed = cvips_init("variant") != 0
        if modules != nil { unsetenv("VIPSHOME") }
        if failed {
            return .failure(VipsError.fromLibvips(.initialisationFailed, context: "vips_init"))
        }
        // libvips's operation cache hands two loads of one file the same image, and a time limit
        // or cancellation watches every computation signalled on its image: with the cache, one
        // caller's cancel stopped another's render of the same file. Each load gets its own image.
        cvips_cache_set_max(0)
        unopened = modules?.files ?? [:]
        return .success(())
    }()

    /// The plugin modules of the libvips this process runs: HEIF (AVIF), JPEG XL, ImageMagick,
    /// PDF and OpenSlide in Debian's build. Linking their libraries cost about 0.05 s of CPU
    /// time at every start, a quarter of a small `variant crop`, and most runs need none of them.
    struct Modules: Sendable {
        /// The module directory next to the libvips library file.
        let path: String
        /// Module name ("heif", "magick" ...) to file.
        let files: [String: String]

        static func directory() -> Modules? {
            guard let file = libraryFile() else { return nil }
            let library = URL(fileURLWithPath: file).deletingLastPathComponent()
            let path = library.appendingPathComponent("vips-modules-\(cvips_version(0)).\(cvips_version(1))").path
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
            var files: [String: String] = [:]
            for name in names where name.hasPrefix("vips-") && name.hasSuffix(".so") {
                files[String(name.dropFirst(5).dropLast(3))] = path + "/" + name
            }
            // No modules: nothing to save, and nothing to get wrong.
            return files.isEmpty ? nil : Modules(path: path, files: files)
        }

        /// The libvips library file this process mapped, from /proc/self/maps (Linux; elsewhere
        /// nil, and libvips opens its modules itself). Read line by line with the C library:
        /// through Foundation (FileHandle, String, split) it cost about 10 ms at every start.
        static func libraryFile() -> String? {
            guard let maps = fopen("/proc/self/maps", "r") else { return nil }
            defer { fclose(maps) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while getline(&line, &capacity, maps) > 0 {
                // "… /usr/lib/x86_64-linux-gnu/libvips.so.42.16.1\n": the path starts at the first "/".
                guard let line, strstr(line, "/libvips.so") != nil, let path = strchr(line, Int32(UInt8(ascii: "/"))) else { continue }
                let file = String(cString: path)
                return file.hasSuffix("\n") ? String(file.dropLast()) : file
            }
            return nil
        }
    }

    /// The modules of the default formats: AVIF/HEIF and JPEG XL.
    static let formatModules: Set<String> = ["heif", "jxl"]

    private static let moduleLock = NSLock()
    nonisolated(unsafe) private static var unopened: [String: String] = [:]
    /// Modules that failed to open, with GLib's reason (read under `moduleLock`).
    nonisolated(unsafe) private static var failedModules: [String: String] = [:]

    /// Why the module `name` could not be opened, if it could not: an encode that needs it then
    /// says so instead of only "class not found".
    static func moduleFailure(_ name: String) -> String? {
        moduleLock.withLock { failedModules[name] }
    }

    /// Opens the named libvips modules not opened yet (all of them when `names` is nil), once.
    /// - Returns: Whether any module was opened.
    @discardableResult
    static func openModules(_ names: Set<String>? = nil) -> Bool {
        try? initialise()
        return moduleLock.withLock {
            let chosen = unopened.filter { names?.contains($0.key) ?? true }
            for (name, file) in chosen.sorted(by: { $0.key < $1.key }) {
                unopened[name] = nil
                if cvips_module_open(file) != 0 {
                    failedModules[name] = cvips_module_error().map { String(cString: $0) } ?? "g_module_open failed"
                }
            }
            return !chosen.isEmpty
        }
    }

    /// The loader `find` names. When none does, the modules of the default formats are opened
    /// and it looks again, then every module: a file gets the answer it would get with every
    /// module opened at start.
    static func findLoader(_ find: () -> UnsafePointer<CChar>?) -> UnsafePointer<CChar>? {
        if let found = find() { return found }
        for names in [formatModules, nil] {
            if openModules(names) { cvips_error_clear() }
            // Looked for again even when another thread opened these modules first (ours then
            // opens none): skipping the retry refused a BMP as unknown in a parallel test run.
            if let found = find() { return found }
        }
        return nil
    }

    /// Initialises libvips if it has not been initialised yet.
    /// - Throws: ``VipsError`` with code `initialisationFailed` when libvips cannot start.
    public static func initialise() throws {
        try initialisation.get()
    }

    /// The version of the linked libvips, e.g. "8.14.1".
    public static var version: String {
        String(cString: cvips_version_string())
    }

    /// The version of the Orc library libvips compiles its vector code with ("0.4.33"), or nil
    /// when this libvips was built without Orc.
    public static var orcVersion: String? {
        try? initialise()
        return loadedOrcVersion()
    }

    private static func loadedOrcVersion() -> String? {
        cvips_orc_version().map { String(cString: $0) }
    }

    /// Whether libvips runs its Orc-compiled vector code (off when `VIPS_NOVECTOR` is set).
    public static var vectorised: Bool {
        try? initialise()
        return cvips_vector_enabled() != 0
    }

    /// Orc before 0.4.34 (Debian 12 has 0.4.33) hands out and frees the memory of compiled code
    /// without a lock, and libvips compiles when it builds a resize's vertical reduce, an
    /// integer convolution or a morphology, and frees when that operation goes. Two threads
    /// doing either at once corrupt Orc's list of chunks: a parallel test run crashed in
    /// orc_code_chunk_merge. With such an Orc, every operation this module builds and every
    /// image it releases takes this lock; computing pixels does not, so threads still work in
    /// parallel. Turning the vector code off instead cost 1.6x the CPU time of a 12 MP render.
    /// Code that calls libvips itself, beside this module, is not covered.
    static let orcLock: NSRecursiveLock? = {
        try? initialise()
        guard cvips_vector_enabled() != 0, let orc = loadedOrcVersion(), !orcIsThreadSafe(orc) else { return nil }
        return NSRecursiveLock()
    }()

    /// Whether operations are built one thread at a time because of an old Orc (``orcLock``).
    public static var serialisesOrc: Bool { orcLock != nil }

    /// Runs `body`, which builds libvips operations or releases images, under ``orcLock``.
    @inline(__always)
    static func guardingOrc<T>(_ body: () throws -> T) rethrows -> T {
        guard let lock = orcLock else { return try body() }
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Whether an Orc of this version ("0.4.33") locks its code memory: 0.4.34 and later do.
    /// A version that cannot be read counts as an old one.
    static func orcIsThreadSafe(_ version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) }
        guard parts.count >= 3, parts.allSatisfy({ $0 != nil }) else { return false }
        let number = parts.prefix(3).map { $0! }
        return number.lexicographicallyPrecedes([0, 4, 34]) == false
    }

    /// Caps libvips's operation cache (number of operations kept); 0, the default here, disables
    /// it. With a cache, two loads of one file can share an image, and then a time limit or a
    /// ``VipsCancellation`` of one stops the other's computations too.
    public static func setOperationCacheSize(_ operations: Int) {
        try? initialise()
        cvips_cache_set_max(Int32(clamping: operations))
    }

    /// Sets the number of worker threads libvips uses per pipeline.
    public static func setConcurrency(_ threads: Int) {
        try? initialise()
        cvips_concurrency_set(Int32(clamping: threads))
    }

    /// Caps the C library's malloc arenas at `count` (glibc's `M_ARENA_MAX`; libvips allocates
    /// its buffers with malloc too). Returns false where that is not glibc or it was refused.
    /// Arenas already made stay: call it at start, before other threads allocate.
    @discardableResult
    public static func limitMallocArenas(_ count: Int) -> Bool {
        cvips_limit_malloc_arenas(Int32(clamping: count)) == 1
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
