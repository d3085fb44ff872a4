import ArgumentParser
import Foundation
import VariantEngine

/// `variant plan`: a campaign manifest to a plan (and a report); `variant plan merge`: shard
/// plans to one plan.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a campaign's variants from a manifest: crops, transformations, URLs, bytes, policy.",
        discussion: """
            variant plan MANIFEST plans every asset × placement × width; variant plan merge joins
            the plans of --shard runs into the plan a single run gives. The plan's JSON schema is
            in Sources/VariantEngine/Planning/PLAN-SCHEMA.md. Exit status 1 when a policy fails
            (any error-level violation, or an asset that cannot be planned).

            The options (-o, --report, --jobs, --cache, --fixed-quality, --shard, --emit ...) and
            the examples are in 'variant plan run --help'.
            """.reflowed,
        subcommands: [PlanRun.self, PlanMerge.self],
        defaultSubcommand: PlanRun.self
    )
}

struct PlanRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan a campaign (the default: `variant plan MANIFEST` is `variant plan run MANIFEST`).",
        discussion: """
            MANIFEST is JSON or YAML (.yaml/.yml); paths in it are relative to its folder.
            Analyses and decisions are cached in SQLite (default: .variant-cache.sqlite next to
            the manifest), keyed by the content hash, the engine version and the options, so a
            re-run computes only what changed. The content hash is kept too, under the file's path,
            inode, size and times: an unchanged file is not read again. Delivery URLs are signed when
            CLOUDINARY_API_SECRET (or the secret of CLOUDINARY_URL, which must be the manifest's
            cloud) is set; spaces and line breaks around it are dropped. On a terminal, stderr
            shows a progress bar: assets and variants done, the time so far and an estimate of the
            time left.
            Ctrl-C, SIGTERM or SIGHUP stops without writing any output (the shell shows 130, 143, 129): a
            batch runner's stop leaves no partial file. Once the outputs are being written (a few
            milliseconds), a signal lets them finish and the run ends as they say. A signal the plan was started ignoring stays
            ignored: under nohup, a closed terminal does not stop it. Every output path (-o, --report, --emit-output,
            --cache) is checked before planning starts; missing folders of the outputs are made.

            Format and quality come from the optimiser's SSIMULACRA2 search, about 0.65 s of CPU per
            variant of the sample campaign (mostly AVIF encodes); --fixed-quality encodes each
            variant once at its level's quality instead, about 0.075 s. Cached decisions cost
            neither.

            --emit writes the values to store in Contentstack entry fields, per asset and
            placement: contentstack-all (the Cloudinary app's "All Fields" asset object, with our
            explicit transformation as derived[0]), contentstack-custom (its default "Custom
            Fields": id, public_id, access_control, secure_url, derived[0].secure_url) or url
            (a plain URL). They go to --emit-output, or to stdout when it is not given (then the
            plan goes to -o or plan.json). Assets and placements that fail policy get no value.

            Rights expiry dates in Cloudinary metadata are checked against --now (default
            today, UTC); pass --now for a plan that does not depend on the day it is made.

            Examples:
              variant plan campaign.json -o plan.json --report report.html
              variant plan campaign.yaml --json --no-cache > plan.json
              variant plan campaign.json --shard 2/4 -o plan-2.json
              variant plan campaign.json --emit contentstack-custom \\
                --emit-output fields.json --now 2026-05-01
            """.reflowed
    )

    @Argument(help: "The campaign manifest (JSON or YAML).")
    var manifest: String

    @Option(name: [.short, .customLong("output")],
            help: "Where to write the plan (default plan.json unless --json); - for stdout, as --json.")
    var output: String?

    @Option(help: ArgumentHelp("Also write the HTML contact sheet here.", valueName: "HTML"))
    var report: String?

    @Option(parsing: .unconditional,
            help: "Assets planned at once (default: one per core, fewer when a container's memory limit is small).")
    var jobs: Int?

    @Flag(help: "Neither read nor write a cache file (entries that share a source still share its work during the run).")
    var noCache = false

    @Option(help: ArgumentHelp("The cache file (default .variant-cache.sqlite next to the manifest).", valueName: "PATH"))
    var cache: String?

    @Option(help: ArgumentHelp("Plan only shard I of N (1-based); merge the shard plans with `variant plan merge`.",
                               valueName: "I/N"))
    var shard: String?

    @Flag(help: "Fixed quality per level in the first allowed format other than AVIF, AVIF only when it is the only one (one encode per variant, no perceptual search).")
    var fixedQuality = false

    @Flag(help: "Print the plan as JSON on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Also write Contentstack entry field values: contentstack-all, contentstack-custom or url.",
                               valueName: "FORMAT"))
    var emit: String?

    @Option(help: ArgumentHelp("Where --emit writes (default stdout; - for stdout too).", valueName: "PATH"))
    var emitOutput: String?

    @Option(help: ArgumentHelp("The day rights expiry is checked against (default today, UTC).", valueName: "YYYY-MM-DD"))
    var now: String?

    @OptionGroup var maxPixels: MaxPixelsOption

    @OptionGroup var avifEffort: AVIFEffortOption

    @OptionGroup var timeout: TimeoutOption

    func validate() throws {
        if let emit, FieldValueFormat(rawValue: emit) == nil {
            let formats = FieldValueFormat.allCases.map(\.rawValue)
            throw ValidationError("expected one of \(formats.joined(separator: ", ")) for --emit but received \"\(emit)\"")
        }
        if emitOutput != nil && emit == nil { throw ValidationError("--emit-output needs --emit FORMAT") }
        for (option, path) in [("--report", report), ("--cache", cache)] where path == standardOutputPath {
            throw ValidationError("\(option) -: stdout is for the plan (-o -, --json) or --emit's values; give a file path")
        }
        if planToStdout && fieldsToStdout {
            throw ValidationError("\(json ? "--json" : "-o -") and --emit both print on stdout: give --emit-output a file path")
        }
        if let now, PolicyDate.parse(now) == nil {
            throw ValidationError("expected a date YYYY-MM-DD for --now but received \"\(now)\"")
        }
        if let jobs { try requirePositive(jobs, for: "--jobs") }
        if let shard, PlanShard(parsing: shard) == nil {
            throw ValidationError("expected I/N with 1 <= I <= N for --shard but received \"\(shard)\"")
        }
        if noCache && cache != nil { throw ValidationError("--no-cache and --cache exclude each other") }
    }

    /// `-` names stdout, as for `render` and `optimize` (it made a file called "-").
    /// So does a path to what stdout is (`/dev/stdout`): written into the stream, not renamed over
    /// the file stdout is redirected to.
    private var planToStdout: Bool { json || isStandardOutput(output) }
    private var fieldsToStdout: Bool { emit != nil && (emitOutput == nil || isStandardOutput(emitOutput)) }

    func run() async throws {
        timeout.install()
        maxPixels.install()
        let emitOutput = isStandardOutput(self.emitOutput) ? nil : self.emitOutput
        let manifestValue: CampaignManifest
        do {
            manifestValue = try CampaignManifest.load(path: manifest)
        } catch let error as ManifestError {
            for line in error.description.split(separator: "\n") { Diagnostics.error(String(line)) }
            throw CLIError.invalidInput
        } catch let error as EngineError {
            throw CLIError.io(error.description)
        }
        let directory = URL(fileURLWithPath: manifest).deletingLastPathComponent().path
        var options = PlanOptions()
        if let jobs { options.jobs = jobs }
        options.shard = shard.flatMap(PlanShard.init(parsing:))
        options.decisions = fixedQuality ? .fixedQuality : .optimize
        options.avifEffort = avifEffort.value
        // As `variant url` reads it: CLOUDINARY_API_SECRET (an empty one is none), else CLOUDINARY_URL.
        options.apiSecret = SecretEnvironment.apiSecret()
        if options.apiSecret == nil, let problem = SecretEnvironment.malformedURL() {
            Diagnostics.warning("\(problem): the URLs are not signed from it")
        }
        try SecretEnvironment.checkSecretCloud(manifestValue.cloudName, whose: "the manifest's cloudName is '\(manifestValue.cloudName)'")
        options.asOf = now.flatMap(PolicyDate.parse) ?? manifestValue.policy?.asOf ?? PolicyDate.today()
        if !noCache { options.cachePath = cache ?? URL(fileURLWithPath: directory).appendingPathComponent(".variant-cache.sqlite").path }
        let destination = isStandardOutput(output) ? nil : output ?? (json ? nil : "plan.json")
        // (With --emit and no --emit-output, stdout holds the field values; the plan goes to the file.)
        // Every output's place is checked before the work, so a typo costs nothing and no
        // output is written while another cannot be.
        for (option, path, kind) in [("-o", destination, "a plan file"), ("--report", report, "a report file"),
                                     ("--emit-output", emitOutput, "a field values file")] {
            if let path { try checkOutputPath(path, option: option, kind: kind) }
        }
        try checkDistinct(outputs: [("-o", destination), ("--report", report), ("--emit-output", emitOutput),
                                    ("--cache", options.cachePath)],
                          inputs: [("the manifest", manifest)] + manifestValue.assets.flatMap { asset in
                              ([asset.path] + (asset.overrides ?? []).compactMap(\.path)).map {
                                  ("an image of the manifest", $0.hasPrefix("/") ? $0 : directory + "/" + $0)
                              }
                          })
        // The cache is an output too: its missing folders are made like the others'. A cache that
        // is there already may be one the user can only read (shared, on a read-only mount): the
        // cache itself decides, and uses it read-only.
        if let cachePath = cache, !FileManager.default.fileExists(atPath: cachePath) {
            try checkOutputPath(cachePath, option: "--cache", kind: "a cache file")
            let folder = URL(fileURLWithPath: AtomicFile.destination(of: cachePath)).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError.io("--cache \(cachePath): cannot make the folder \(folder.path): \(error.localizedDescription)")
            }
        }

        let bar = ProgressBar.onTerminal()
        let started = Date()
        let engine = Engine()
        let planning = Task { [options] in
            try await engine.plan(manifestValue, baseDirectory: directory, options: options) { progress in
                bar?.update(progress)
            }
        }
        let interrupt = InterruptHandler { _ in planning.cancel() }
        defer { interrupt.remove() }
        let outcome: PlanOutcome
        do {
            outcome = try await planning.value
        } catch is CancellationError {
            bar?.finish()
            try interrupt.check()
            throw InterruptHandler.stopped(by: SIGINT)
        } catch let error as EngineError {
            bar?.finish()
            throw CLIError.io(error.description)
        }
        bar?.finish()
        for warning in outcome.warnings { Diagnostics.warning(warning) }

        let plan = outcome.plan
        let data = try PlanJSON.encode(plan)
        // Every output is made before any is written, and all are written or none (a report that
        // could not be written left the plan behind).
        var files: [(path: String, data: Data)] = []
        if let destination { files.append((destination, data)) }
        if let report {
            let html = try await engine.report(plan, baseDirectory: directory, cachePath: options.cachePath)
            files.append((report, Data(html.utf8)))
        }
        var fields: Data?
        if let emit, let format = FieldValueFormat(rawValue: emit) {
            fields = try ContentstackFields.encode(engine.fieldValues(plan, format: format))
            if let emitOutput, let fields { files.append((emitOutput, fields)) }
        }
        // A signal while the outputs were made (the report takes a while) still stops the run
        // before anything is written; once the writing has begun it finishes (each file is
        // renamed into place whole), and a signal then no longer stops the run: it ends as the
        // written outputs say (it exited 143 with every file written, found in the scale review).
        try interrupt.beginCommit()
        try writeAll(files)
        if planToStdout { try StandardOutput.write(data) }
        if let fields, emitOutput == nil { try StandardOutput.write(fields) }

        printErrors(of: plan)
        let s = outcome.statistics
        let seconds = Date().timeIntervalSince(started)
        // Work not computed came from the cache file (an earlier run) or from another entry of
        // this run with the same source; without a cache file only the second can happen.
        func counts(_ computed: Int, _ cached: Int, _ reused: Int) -> String {
            "\(computed) computed" + (options.cachePath == nil ? "" : " / \(cached) cached")
                + (reused > 0 || options.cachePath == nil ? " / \(reused) reused in this run" : "")
        }
        Diagnostics.write(
            "variant: planned \(Wording.counted(plan.summary.assets, "asset")), \(Wording.counted(plan.summary.variants, "variant")) "
                + "in \(String(format: "%.1f", seconds)) s: \(Wording.counted(plan.summary.errors, "error")), "
                + "\(Wording.counted(plan.summary.warnings, "warning")), \(plan.summary.failedAssets) failed; "
                + "analyses \(counts(s.analysesComputed, s.analysesCached, s.analysesReused)), "
                + "decisions \(counts(s.decisionsComputed, s.decisionsCached, s.decisionsReused))"
                + (destination.map { " -> \($0)" } ?? ""))
        if !plan.passed { throw CLIError.invalidInput }
    }
}

struct PlanMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join shard plans into the plan a single run gives.",
        discussion: """
            Every shard 1...N of one manifest must be given once. The merged plan is byte for
            byte the plan of `variant plan MANIFEST` without --shard (assets sorted by id); give
            -o PLAN, --json, or both. Exit status 1 when the merged plan fails policy (its errors
            are listed on stderr), or when the shards do not belong together.

            Example:
              variant plan merge plan-1.json plan-2.json plan-3.json -o plan.json
            """.reflowed
    )

    @Argument(help: "The shard plans.")
    var plans: [String]

    @Option(name: [.short, .customLong("output")], help: "Where to write the merged plan; - for stdout, as --json.")
    var output: String?

    @Flag(help: "Print the merged plan as JSON on stdout.")
    var json = false

    func validate() throws {
        if plans.isEmpty { throw ValidationError("give the shard plans to merge") }
        if output == nil && !json { throw ValidationError("give -o PLAN or --json") }
    }

    func run() throws {
        // `-` names stdout (it made a file called "-").
        let toStdout = json || isStandardOutput(output)
        let output = isStandardOutput(self.output) ? nil : self.output
        if let output {
            try checkOutputPath(output, option: "-o", kind: "a plan file")
            try checkDistinct(outputs: [("-o", output)], inputs: plans.map { ("a shard plan", $0) })
        }
        let merged: Plan
        do {
            merged = try Sharding.merge(plans.map { try PlanJSON.read(path: $0) }, names: plans)
        } catch let error as EngineError {
            throw CLIError(message: error.description, status: error.code == .io ? ExitStatus.ioError : ExitStatus.invalid)
        }
        let data = try PlanJSON.encode(merged)
        if let output { try writeAll([(output, data)]) }
        if toStdout { try StandardOutput.write(data) }
        printErrors(of: merged)
        let summary = merged.summary
        Diagnostics.write("variant: merged \(Wording.counted(plans.count, "shard")), \(Wording.counted(summary.assets, "asset")), "
                            + "\(Wording.counted(summary.variants, "variant")): \(Wording.counted(summary.errors, "error")), "
                            + "\(Wording.counted(summary.warnings, "warning")), \(summary.failedAssets) failed"
                            + (output.map { " -> \($0)" } ?? ""))
        if !merged.passed { throw CLIError.invalidInput }
    }
}

/// Refuses an output path that cannot be written, before any work: an empty one, one that names
/// a directory (where `kind`, "a plan file" say, was expected; a trailing `/` names one too), or
/// whose folder cannot be made (a file stands in its way, or the nearest existing folder is
/// read-only). Missing folders are made when the output is written.
private func checkOutputPath(_ path: String, option: String, kind: String) throws {
    try checkNamesAFile(path, option: option, kind: kind)
    var isDirectory: ObjCBool = false
    // Resolved as the file system does (a link then ".." leads elsewhere than the text says).
    // Its folders hold no "." or ".." (the file's own name cannot be one: checkNamesAFile).
    var folder = URL(fileURLWithPath: AtomicFile.destination(of: path)).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
        guard folder.path != "/" else { throw CLIError.io("\(path): no folder of it exists") }
        folder.deleteLastPathComponent()
    }
    guard isDirectory.boolValue else { throw CLIError.io("\(path): \(folder.path) is not a directory") }
    guard try writesThrough(path) || FileManager.default.isWritableFile(atPath: folder.path) else {
        throw CLIError.io("\(path): the folder \(folder.path) is not writable")
    }
}

/// Every error-level violation of a plan on stderr, one line each (what makes the exit status 1).
private func printErrors(of plan: Plan) {
    for asset in plan.assets {
        for violation in asset.violations where violation.severity == .error {
            Diagnostics.error("\(asset.id): \(violation.code): \(violation.message)")
        }
        for placement in asset.placements {
            for violation in placement.violations where violation.severity == .error {
                Diagnostics.error("\(asset.id) \(placement.placement): \(violation.code): \(violation.message)")
            }
        }
    }
}

/// Refuses outputs that would overwrite an input or each other (`-o campaign.json` replaced the
/// manifest with the plan; `-o p.json --report p.json` kept only the report). Paths are compared
/// where a write would land, every link followed: a link to the manifest or to an image is the
/// manifest or the image.
private func checkDistinct(outputs: [(option: String, path: String?)], inputs: [(what: String, path: String)]) throws {
    var taken: [String: String] = [:]
    for input in inputs { taken[AtomicFile.destination(of: input.path)] = "\(input.what) (\(input.path))" }
    for output in outputs {
        guard let path = output.path else { continue }
        let place = AtomicFile.destination(of: path)
        if let other = taken[place] {
            throw CLIError(message: "\(output.option) \(path): the same file as \(other); give another path", status: ExitStatus.ioError)
        }
        taken[place] = output.option
    }
}

/// Writes every output or none: each is staged in a temporary file beside it (missing folders
/// made first), devices are written to, and only then are the files renamed into place.
func writeAll(_ outputs: [(path: String, data: Data)]) throws {
    // The folders this call made, outermost first: removed again (when empty) if an output
    // fails, so a failed run leaves no trace (`-o new/p.json --report /dev/full` left new/).
    var made: [URL] = []
    var committed = false
    defer { if !committed { for folder in made.reversed() { rmdir(folder.path) } } }
    var staged: [AtomicFile.Staged] = []
    defer { for s in staged { s.discard() } }  // whatever was not committed
    do {
        for output in outputs {
            // Where the file system puts it: a link then ".." leads elsewhere than the text says.
            let folder = URL(fileURLWithPath: AtomicFile.destination(of: output.path)).deletingLastPathComponent()
            var missing: [URL] = []
            var ancestor = folder
            while !FileManager.default.fileExists(atPath: ancestor.path), ancestor.path != "/" {
                missing.insert(ancestor, at: 0)
                ancestor = ancestor.deletingLastPathComponent()
            }
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                made += missing
            } catch {
                throw CLIError.io("\(output.path): cannot make the folder \(folder.path): \(error.localizedDescription)")
            }
            staged.append(try AtomicFile.stage(output.data, to: output.path))
        }
        for s in staged where s.writesThrough { try s.commit() }
        for s in staged where !s.writesThrough { try s.commit() }
        committed = true
    } catch let error as EngineError {
        throw CLIError.io(error.description)
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal: the assets and
/// variants done, the time so far and an estimate of the time left, and the asset that finished
/// last. Variants move it between assets (an asset of many placements takes a while); at most
/// ten redraws a second, the last one always drawn.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let started = Date()
    private var lastDrawn: Date?
    private var lastAssetDrawn: Date?
    private var lastFinished = ""

    static func onTerminal() -> ProgressBar? { isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil }

    func update(_ progress: PlanProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if progress.event == .asset { lastFinished = progress.assetID }
        // A redraw can wait, but for the start and the end: found in QA, a cached run of 3,200
        // small assets redrew at each asset's end, up to 122 times in 100 ms (251 KB of stderr
        // to a terminal that may be an SSH link).
        // Each kind has its own clock, so a variant drawn just before an asset's end does not
        // hide that end: at most ten of each a second.
        let last = progress.completed >= progress.total && progress.event == .asset
        let previous = progress.event == .asset ? lastAssetDrawn : lastDrawn
        if progress.event != .started, !last, let previous, now.timeIntervalSince(previous) < 0.1 { return }
        lastDrawn = now
        if progress.event == .asset { lastAssetDrawn = now }
        var shown = progress
        shown.assetID = lastFinished
        let line = Self.line(shown, columns: Self.terminalColumns(), elapsed: now.timeIntervalSince(started))
        Diagnostics.raw("\r\u{1B}[K" + line)
    }

    /// "[#####-----] 3/15 assets, 52/216 variants · 0:42, ~2:30 left · done: summer/hero", cut
    /// to the terminal's width (a longer line wraps, and "\r" then rewrites only its last row;
    /// at 80 columns 13 are left for the asset). The bar and the estimate follow the variants
    /// (the assets without variant counts): the time per variant so far, so it errs long while
    /// the largest sources, which go first, are planned, and short while decisions come from
    /// the cache.
    static func line(_ progress: PlanProgress, columns: Int, elapsed: TimeInterval) -> String {
        let (done, total) = progress.variantsTotal > 0
            ? (progress.variantsDone, progress.variantsTotal) : (progress.completed, progress.total)
        let width = max(5, min(30, columns / 8))
        let filled = total > 0 ? width * min(done, total) / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let assets = "[\(bar)] \(progress.completed)/\(progress.total) assets"
        let variants = progress.variantsTotal > 0 ? ", \(progress.variantsDone)/\(progress.variantsTotal) variants" : ""
        let time = " · \(clock(elapsed))"
        let left = done > 0 && done < total ? ", ~\(clock(elapsed / Double(done) * Double(total - done))) left" : ""
        // On a narrow terminal whole fields go, the estimate first, rather than a count cut in
        // half ("546/60" for 546 of 600 variants, found in QA).
        let bare = "\(progress.completed)/\(progress.total)"
        let head = [assets + variants + time + left, assets + variants + time, assets + variants, assets, bare]
            .first { $0.count <= columns - 1 } ?? bare
        let room = columns - 1 - head.count - " · done: ".count
        let id = Diagnostics.visible(progress.assetID)
        // In terminal columns: CJK and emoji take two (an id of them wrapped the line, and the
        // wrapped part stayed on screen).
        let name = room < 2 || id.isEmpty ? "" : " · done: " + (displayWidth(id) > room ? "…" + suffix(of: id, columns: room - 1) : id)
        return prefix(of: head + name, columns: max(1, columns - 1))
    }

    /// Columns a terminal gives `text`: two for wide characters (East Asian wide and full-width
    /// forms, most emoji), none for combining marks and joiners, one otherwise; per character,
    /// by its first scalar.
    static func displayWidth<S: StringProtocol>(_ text: S) -> Int {
        text.reduce(0) { $0 + columns(of: $1) }
    }

    /// East Asian wide and full-width blocks, and the emoji blocks.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD,
    ]

    static func columns(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        let v = scalar.value
        // Emoji shown as such without a selector (✅, 🚀, a flag's regional indicators).
        if wideRanges.contains(where: { $0.contains(v) }) || scalar.properties.isEmojiPresentation { return 2 }
        // A character shown as an emoji by its selector (☺️) is two columns too.
        return character.unicodeScalars.contains("\u{FE0F}") ? 2 : 1
    }

    /// The longest start of `text` that fits in `columns`.
    static func prefix(of text: String, columns: Int) -> String {
        var used = 0
        var out = ""
        for character in text {
            let w = Self.columns(of: character)
            if used + w > columns { break }
            used += w
            out.append(character)
        }
        return out
    }

    /// The longest end of `text` that fits in `columns`.
    static func suffix(of text: String, columns: Int) -> String {
        var used = 0
        var out: [Character] = []
        for character in text.reversed() {
            let w = Self.columns(of: character)
            if used + w > columns { break }
            used += w
            out.append(character)
        }
        return String(out.reversed())
    }

    /// 0:07, 12:34, 1:02:03.
    static func clock(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// The terminal's width in columns (80 when it does not say).
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        Diagnostics.raw("\r\u{1B}[K")
    }
}

/// Turns SIGINT (Ctrl-C), SIGTERM (what Kubernetes, CI runners and `kill` send) and SIGHUP (a
/// closed terminal) into a cancellation while installed; the dispositions found come back on
/// `remove()`. Without it SIGTERM killed a plan mid-write, leaving a temporary file behind. A
/// signal the process was started ignoring stays ignored, as the tool that set it up asked:
/// `nohup variant plan …` survives the terminal closing, and a command started in the background
/// by a script is not stopped by the script's Ctrl-C.
final class InterruptHandler: @unchecked Sendable {
    static let signals: [(number: Int32, name: String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")]
    private var sources: [DispatchSourceSignal] = []
    private var previous: [(number: Int32, action: sighandler_t?)] = []
    private let lock = NSLock()
    private var received: Int32?
    /// Set by ``beginCommit()``: signals from then on are let pass.
    private var committing = false

    /// - Parameter onInterrupt: Called with the signal's number, once per signal.
    init(_ onInterrupt: @escaping @Sendable (Int32) -> Void) {
        for (number, _) in Self.signals {
            let action = signal(number, SIG_IGN)
            previous.append((number, action))
            if Self.isIgnore(action) { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let taken = self.lock.withLock { () -> Bool in
                    if self.committing { return false }
                    if self.received == nil { self.received = number }
                    return true
                }
                guard taken else { return }
                Self.stopping.record(number)
                onInterrupt(number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a disposition is SIG_IGN (an optional C function pointer: compared by address).
    static func isIgnore(_ action: sighandler_t?) -> Bool {
        guard let action else { return false }
        return unsafeBitCast(action, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Throws the exit a shell expects (128 + the signal's number) when a signal came.
    func check() throws {
        if let number = lock.withLock({ received }) { throw Self.stopped(by: number) }
    }

    /// ``check()``, then, in the same step, lets every later signal pass: the outputs are being
    /// written, whole, and the run ends as they say.
    func beginCommit() throws {
        let number = lock.withLock { () -> Int32? in
            if received == nil { committing = true }
            return received
        }
        if let number { throw Self.stopped(by: number) }
    }

    static func stopped(by number: Int32, _ consequence: String? = "no plan was written") -> CLIError {
        let tail = consequence.map { ": " + $0 } ?? ""
        if number == SIGINT { return CLIError(message: "interrupted" + tail, status: 128 + SIGINT) }
        let name = signals.first { $0.number == number }?.name ?? "signal \(number)"
        return CLIError(message: "stopped by \(name)" + tail, status: 128 + number)
    }

    /// The first signal any handler took, for ``dieBySignal()`` (a pthread lock, which
    /// ThreadSanitizer sees).
    static let stopping = FirstSignal()

    final class FirstSignal: @unchecked Sendable {
        private let lock = NSLock()
        private var number: Int32?
        func record(_ signal: Int32) { lock.withLock { if number == nil { number = signal } } }
        var value: Int32? { lock.withLock { number } }
    }

    /// Ends the process by the signal that stopped it, if one did, its handling done: a shell
    /// tells a command that died by SIGINT from one that exited 130, and only the first stops a
    /// loop of commands (`for f in *; do variant …; done` ran on after Ctrl-C). The status a
    /// shell shows is the same, 128 + the signal's number.
    static func dieBySignal() {
        guard let number = stopping.value else { return }
        signal(number, SIG_DFL)
        // libdispatch keeps the signals it watches blocked: unblocked here, or it stays pending.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
    }

    func remove() {
        for source in sources { source.cancel() }
        for (number, action) in previous { signal(number, action) }
    }
}
