import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// same directory, which is renamed over the destination only once complete.
///
/// What is at the path is respected: through a symbolic link the file it points at is replaced
/// (the link stays); a file keeps its permissions; a device or a pipe (`/dev/stdout`, a FIFO) is
/// written straight to, since there is nothing to replace; a directory is refused.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `EngineError(.io)` naming the file when the directory is missing or not
    ///   writable, the path is a directory, or the write fails.
    public static func write(_ data: Data, to path: String) throws {
        try stage(data, to: path).commit()
    }

    /// A write made ready but not yet visible: the bytes sit in a temporary file beside the
    /// destination until ``commit()`` renames it into place, or ``discard()`` removes it. Several
    /// outputs staged first and committed together leave none behind when one of them fails.
    /// (A device or a pipe has no temporary file: ``commit()`` writes to it.)
    public struct Staged: Sendable {
        /// The path as given.
        public let path: String
        /// Whether ``commit()`` writes to a device or a pipe rather than renaming a file.
        public let writesThrough: Bool
        let temporary: URL?
        let destination: URL?
        let data: Data?

        /// Makes the write visible.
        public func commit() throws {
            if let data { return try AtomicFile.writeThrough(data, to: path) }
            guard let temporary, let destination else { return }
            // rename(2) replaces the destination in one step on the same file system. Under the
            // lock, so a stop either removes the temporary file first or comes after the rename.
            let failure: Int32? = AtomicFile.staged.withLock { paths in
                if rename(temporary.path, destination.path) == 0 {
                    paths.remove(temporary.path)
                    return nil
                }
                return errno
            }
            if let failure {
                discard()
                throw EngineError(.io, "cannot write: \(String(cString: strerror(failure)))", input: path)
            }
        }

        /// Removes the temporary file (nothing happens to the destination).
        public func discard() {
            guard let temporary else { return }
            try? FileManager.default.removeItem(at: temporary)
            AtomicFile.staged.withLock { _ = $0.remove(temporary.path) }
        }
    }

    /// The temporary files of writes staged and not yet committed or discarded. Held while one is
    /// written or renamed, so ``discardStaged()`` never runs in between and misses one. (A
    /// pthread lock, which ThreadSanitizer sees: it reported the `Mutex` this was as a race.)
    static let staged = StagedFiles()

    final class StagedFiles: @unchecked Sendable {
        private let lock = NSLock()
        private var paths = Set<String>()

        func withLock<T>(_ body: (inout Set<String>) throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body(&paths)
        }

        /// Takes the lock and never gives it back: for a process about to end.
        func lockForGood() -> Set<String> {
            lock.lock()
            return paths
        }
    }

    /// Removes the temporary file of every write staged and not yet committed or discarded: for a
    /// process stopped by a signal, so that no hidden partial file stays beside its outputs (a
    /// SIGTERM during `render`'s write left a 54 MB `.out.png.….partial`).
    /// - Parameter forGood: Keep every other write out from then on, for a process about to
    ///   end: a write between this and the end would fail on its removed file and say so
    ///   (a stopped render also printed "cannot write: No such file or directory").
    /// - Returns: How many there were.
    @discardableResult
    public static func discardStaged(forGood: Bool = false) -> Int {
        if forGood {
            let paths = staged.lockForGood()
            for path in paths { unlink(path) }
            return paths.count
        }
        return staged.withLock { paths in
            for path in paths { unlink(path) }
            defer { paths.removeAll() }
            return paths.count
        }
    }

    /// Why an output onto a file no one may write is refused.
    public static let readOnlyReason = "is read-only: it is not replaced (make it writable, remove it, or give another path)"

    /// Whether `path` (through any links) is a regular file no one may write: one its owner
    /// protected, which replacing (rename needs only the folder's permission) lost without a
    /// word, keeping its mode. Outputs refuse it, root's too.
    public static func isReadOnlyFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && isReadOnly(status)
    }

    static func isReadOnly(_ status: stat) -> Bool { status.st_mode & S_IFMT == S_IFREG && status.st_mode & 0o222 == 0 }

    /// Writes `data` into a temporary file beside `path`'s destination (after every link), with
    /// the permissions of the file it will replace.
    /// - Throws: `EngineError(.io)` naming the file, as ``write(_:to:)``.
    public static func stage(_ data: Data, to path: String) throws -> Staged {
        var status = stat()
        var mode: mode_t?
        let url: URL
        if stat(path, &status) == 0 {  // (through any links)
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                guard !isReadOnly(status) else { throw EngineError(.io, readOnlyReason, input: path) }
                mode = status.st_mode & 0o7777
            case S_IFDIR: throw EngineError(.io, "is a directory", input: path)
            default: return Staged(path: path, writesThrough: true, temporary: nil, destination: nil, data: data)
            }
            url = URL(fileURLWithPath: resolved(path) ?? path)
        } else {
            // A new file, maybe through a dangling link: where the file system puts it. (URL
            // reads "link/../x" as "x" in the current folder, and a plan written through
            // `-o link/../m.json` replaced the manifest there.)
            url = URL(fileURLWithPath: destination(of: path))
        }
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EngineError(.io, "the directory \(directory.path) does not exist", input: path)
        }
        // File systems take names of at most 255 bytes. The temporary name adds 46 to the file's:
        // a name near the limit is shortened in it (a 250-byte name could not be written).
        let name = url.lastPathComponent
        guard name.utf8.count <= 255 else {
            throw EngineError(.io, "the file name is \(name.utf8.count) bytes long, over the 255 a file system takes", input: path)
        }
        var kept = ""
        for character in name {
            guard kept.utf8.count + character.utf8.count <= 255 - 46 else { break }
            kept.append(character)
        }
        let temporary = directory.appendingPathComponent(".\(kept).\(UUID().uuidString).partial")
        do {
            try staged.withLock { paths in
                paths.insert(temporary.path)
                try data.write(to: temporary, options: [])
                if let mode, chmod(temporary.path, mode) != 0 {
                    throw EngineError(.io, "cannot keep the file's permissions: \(String(cString: strerror(errno)))", input: path)
                }
            }
        } catch {
            Staged(path: path, writesThrough: false, temporary: temporary, destination: url, data: nil).discard()
            throw error as? EngineError ?? EngineError(.io, "cannot write: \(systemReason(error))", input: path)
        }
        return Staged(path: path, writesThrough: false, temporary: temporary, destination: url, data: nil)
    }

    /// Where a write to `path` lands: the file at the end of its links, in its folder with every
    /// link and `..` resolved as the file system does. Two paths with the same destination name
    /// one file (for refusing an output that would overwrite an input).
    public static func destination(of path: String) -> String {
        if let existing = resolved(path) { return existing }
        // The longest existing folder on the way, resolved by the file system; the folders after
        // it are made by the writer, so their `..` are read as written.
        // Made absolute by hand: URL's path drops "link/.." as written, where the file system
        // goes to the link's target and then up from there (another folder).
        let target = (try? followingLinks(path)) ?? path
        let absolute = target.hasPrefix("/") ? target : FileManager.default.currentDirectoryPath + "/" + target
        var parts = absolute.split(separator: "/").map(String.init)
        let name = parts.popLast() ?? ""
        var existing = parts.count
        while existing > 0, resolved("/" + parts[..<existing].joined(separator: "/")) == nil { existing -= 1 }
        var components = (resolved("/" + parts[..<existing].joined(separator: "/")) ?? "/").split(separator: "/").map(String.init)
        for part in parts[existing...] where part != "." {
            if part == ".." { _ = components.popLast() } else { components.append(part) }
        }
        return "/" + (components + [name]).joined(separator: "/")
    }

    /// The existing file `path` leads to, every link followed.
    static func resolved(_ path: String) -> String? {
        guard let raw = realpath(path, nil) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// The path a chain of symbolic links at `path` ends at (`path` itself when it is none),
    /// for a file that does not exist yet.
    static func followingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            // Joined as text, not through URL, which reads "dir/../x" away as "x": the file
            // system goes to dir's target first when dir is a link (``destination(of:)``).
            let folder = current.lastIndex(of: "/").map { String(current[..<$0]) } ?? "."
            current = target.hasPrefix("/") ? target : (folder.isEmpty ? "/" : folder + "/") + target
        }
        throw EngineError(.io, "too many levels of symbolic links", input: path)
    }

    /// Writes to a device or a pipe as it is: no temporary file can be renamed over one.
    static func writeThrough(_ data: Data, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError(.io, "cannot open for writing: \(String(cString: strerror(errno)))", input: path)
        }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw EngineError(.io, "cannot write: \(systemReason(error))", input: path)
        }
    }

    /// The system's words for a failed file operation ("No such file or directory"), rather than
    /// Foundation's paraphrase ("The file doesn't exist.").
    static func systemReason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        let errnos: [CocoaError.Code: Int32] = [
            .fileNoSuchFile: ENOENT, .fileWriteNoPermission: EACCES, .fileWriteOutOfSpace: ENOSPC,
            .fileWriteVolumeReadOnly: EROFS, .fileWriteFileExists: EEXIST,
        ]
        if ns.domain == NSCocoaErrorDomain, let code = errnos[CocoaError.Code(rawValue: ns.code)] {
            return String(cString: strerror(code))
        }
        return ns.localizedDescription
    }
}
