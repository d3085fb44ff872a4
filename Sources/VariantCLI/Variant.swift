import ArgumentParser
import Foundation
import VariantEngine

struct Variant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variant",
        abstract: "Plan, check and render Cloudinary image variants locally, over libvips.",
        discussion: """
            Every command that prints results takes --json and then prints JSON only on stdout;
            diagnostics go to stderr. Exit status: 0 success, 1 the input was checked and found
            invalid (or a policy failed), 2 usage or I/O error. Stopped by Ctrl-C, SIGTERM or
            SIGHUP, a command leaves no partial file and ends by that signal (a shell shows 130,
            143 or 129; a loop of commands stops).

            The engine's version and the libvips it links: variant --version
            """.reflowed,
        subcommands: [Info.self, Render.self, GeometryCommand.self, Compare.self, Optimize.self, BreakpointsCommand.self, ValidateCommand.self, URLCommand.self, PlanCommand.self, AnalyzeCommand.self, CropCommand.self]
    )

    /// What `variant --version` prints. The engine's version is also part of every cache key;
    /// libvips's is the one linked. Handled before parsing, not as the configuration's
    /// `version` (listed in every subcommand's help, beside `url build --version <N>`, an
    /// asset's version) nor as a flag here (it would take `url build --version 3` too).
    static var versionLine: String { "variant \(variantEngineBuild) (libvips \(Vips.version))" }
}

@main
enum Main {
    static func main() async {
        // Before any thread allocates: see SystemResources.mallocArenas.
        SystemResources.limitMallocArenas()
        // A reader that goes away (`variant … | head -1`) makes the next write fail with EPIPE,
        // reported as an I/O error like any other, instead of killing the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // A closed stdout or stderr would be the next file opened (a cache, an image being
        // written), and results meant for the terminal would land in it: hold both places with
        // a read-only /dev/null, so that writing there fails and is reported.
        for descriptor in [STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            let placeholder = open("/dev/null", O_RDONLY)
            if placeholder >= 0, placeholder != descriptor {
                dup2(placeholder, descriptor)
                close(placeholder)
            }
        }
        // In a container with a CPU limit, libvips would start a thread per core of the node.
        if let threads = SystemResources.libvipsThreads { Vips.setConcurrency(threads) }
        // Swift reads each argument as UTF-8 and puts U+FFFD where it is not: a public id or a
        // transformation would be signed or validated as another text than the one given
        // (stdin is refused in that case already). A file name in another encoding could not
        // be opened from the mended text either.
        if let bad = firstArgumentNotUTF8() {
            Diagnostics.error("argument \(bad) is not UTF-8 text (a file name or a value in another encoding?)")
            exit(ExitStatus.ioError)
        }
        var status = await run(Array(CommandLine.arguments.dropFirst()))
        if let failure = StandardOutput.failure.withLock({ $0 }) {
            Diagnostics.error(failure)
            if status == ExitStatus.success { status = ExitStatus.ioError }
        }
        // With VIPS_LEAK=1, shutting down makes libvips report any object still alive.
        if ProcessInfo.processInfo.environment["VIPS_LEAK"] != nil { Vips.shutdown() }
        // A plan stopped by a signal has said so and written nothing: it dies by that signal.
        fflush(nil)
        InterruptHandler.dieBySignal()
        exit(status)
    }

    /// The 1-based position of the first argument that is not valid UTF-8, or nil.
    static func firstArgumentNotUTF8() -> Int? {
        for index in 1..<max(1, Int(CommandLine.argc)) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            if String(validating: bytes, as: UTF8.self) == nil { return index }
        }
        return nil
    }

    /// Why `variant help words…` names no command (nil when it does): the first word that is not
    /// a subcommand of the command before it, with the ones it could be.
    static func unknownCommand(in words: [String]) -> String? {
        var subcommands = Variant.configuration.subcommands
        var path = "variant"
        for word in words where !word.hasPrefix("-") {
            var names: [String] = []
            var next: [ParsableCommand.Type]? = nil
            for command in subcommands {
                let configuration = command.configuration
                let name = command._commandName
                names.append(name)
                if name == word { next = configuration.subcommands }
            }
            guard let found = next else {
                return names.isEmpty ? "help: \(path) has no subcommand '\(word)'"
                    : "help: \(path) has no command '\(word)' (it has \(names.joined(separator: ", ")))"
            }
            subcommands = found
            path += " " + word
        }
        return nil
    }

    /// The first argument before any `--` that reads as a name starting with a dash and would
    /// be taken for the help (`-hero.jpg`: one dash, an `h`, a `.` or `/`, no `=`). The parser
    /// reads it as a bundle of short options, -h among them, and printed the help and exited 0,
    /// so a batch job counted an image it never touched as done. Without an `h` the parser
    /// refuses such a name itself, and `-o=out.jpg` is an option with its value.
    static func fileNameReadAsOptions(_ arguments: [String]) -> String? {
        for argument in arguments {
            if argument == "--" { return nil }
            guard argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 2, !argument.contains("="),
                  argument.contains("h"), argument.contains(".") || argument.contains("/") else { continue }
            return argument
        }
        return nil
    }

    static func run(_ arguments: [String]) async -> Int32 {
        if arguments == ["--version"] {
            print(Variant.versionLine)
            return 0
        }
        // Found in a docs QA pass: `variant --version --json` said "Unknown option '--version'",
        // blaming the one option that does exist. (A command's own `--version`, url build's, is
        // after the command name and untouched.)
        if arguments.first == "--version", !arguments.contains("--help"), !arguments.contains("-h") {
            Diagnostics.error("--version takes nothing else (it prints one line: variant VERSION (libvips VERSION)); "
                              + "give it alone, or a command's options without it")
            return ExitStatus.ioError
        }
        if let dashed = fileNameReadAsOptions(arguments) {
            Diagnostics.error("\(dashed): a name that starts with '-' is read as options (its h as --help); "
                              + "write a file as ./\(dashed), or put the name after -- at the end of the options")
            return ExitStatus.ioError
        }
        // `variant help NAME …` printed the top help and exit 0 for a name that is no command.
        if arguments.first == "help", let unknown = unknownCommand(in: Array(arguments.dropFirst())) {
            Diagnostics.error(unknown)
            return ExitStatus.ioError
        }
        do {
            var command = try Variant.parseAsRoot(arguments)
            // A group named without one of its commands (`variant`, `variant url`): its help, on
            // stderr, as a usage error, so a script that forgot the command does not pass. Asked
            // for (`--help`, `help`), the help is a success, on stdout, and never gets here.
            if !type(of: command).configuration.subcommands.isEmpty {
                Diagnostics.write(Variant.helpMessage(for: type(of: command)))
                return ExitStatus.ioError
            }
            // Stopped by a signal, a command leaves no temporary file of an output it was writing
            // (render and optimize left a hidden `.NAME.….partial` of up to 54 MB). The plan
            // stops on its own terms: it finishes no output and says so.
            let stop = command is PlanRun ? nil : InterruptHandler { number in
                let removed = AtomicFile.discardStaged(forGood: true)
                let stopped = InterruptHandler.stopped(by: number, removed > 0 ? "the file being written was removed" : nil)
                Diagnostics.error(stopped.message)
                InterruptHandler.dieBySignal()
                _exit(stopped.status)
            }
            defer { stop?.remove() }
            // An encode past --timeout (AV1 of a large image) cannot be stopped inside libheif:
            // the command ends there, as a decode past it does, leaving no staged file. Not in
            // a plan, where one asset's encode must not end the others' work.
            if !(command is PlanRun) {
                EncodeDeadline.handler = { message in
                    AtomicFile.discardStaged(forGood: true)
                    Diagnostics.error(message)
                    _exit(ExitStatus.ioError)
                }
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as VipsError {
            Diagnostics.error(error.description)
            // A variant larger than its format takes (render c_scale,w_70000 to AVIF): the request
            // was checked and found invalid for the format, not an I/O failure.
            return error.code == .tooLargeForFormat ? ExitStatus.invalid : ExitStatus.ioError
        } catch let error as CLIError {
            if !error.message.isEmpty { Diagnostics.error(error.message) }
            return error.status
        } catch let error as EngineError {
            // Commands name the input themselves; this is the net under them, so nothing
            // reaches the user as a Swift value.
            Diagnostics.error(error.description)
            return [.invalidTransformation, .unsupported].contains(error.code) ? ExitStatus.invalid : ExitStatus.ioError
        } catch let error as SSIMULACRA2Error {
            Diagnostics.error(error.message)
            return ExitStatus.ioError
        } catch {
            let code = Variant.exitCode(for: error)
            let message = Variant.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { Diagnostics.write(message) }
            // Usage errors are status 2 by the CLI contract (ArgumentParser's own is 64).
            return code == .failure && message.isEmpty ? 1 : ExitStatus.ioError
        }
    }
}
