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
        var status = stat()
        var mode: mode_t?
        let url: URL
        if stat(path, &status) == 0 {  // (through any links)
            switch status.st_mode & S_IFMT {
            case S_IFREG: mode = status.st_mode & 0o7777
            case S_IFDIR: throw EngineError(.io, "is a directory", input: path)
            default: return try writeThrough(data, to: path)
            }
            url = URL(fileURLWithPath: resolved(path) ?? path)
        } else {
            url = URL(fileURLWithPath: try followingLinks(path))  // a new file, maybe through a dangling link
        }
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EngineError(.io, "the directory \(directory.path) does not exist", input: path)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        do {
            try data.write(to: temporary, options: [])
            if let mode, chmod(temporary.path, mode) != 0 {
                throw EngineError(.io, "cannot keep the file's permissions: \(String(cString: strerror(errno)))", input: path)
            }
            // rename(2) replaces the destination in one step on the same file system.
            guard rename(temporary.path, url.path) == 0 else {
                throw EngineError(.io, "cannot write: \(String(cString: strerror(errno)))", input: path)
            }
        } catch let error as EngineError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw EngineError(.io, "cannot write: \(error.localizedDescription)", input: path)
        }
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
            current = target.hasPrefix("/") ? target
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target).path
        }
        throw EngineError(.io, "too many levels of symbolic links", input: path)
    }

    /// Writes to a device or a pipe as it is: no temporary file can be renamed over one.
    private static func writeThrough(_ data: Data, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError(.io, "cannot open for writing: \(String(cString: strerror(errno)))", input: path)
        }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: data)
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)
                .map { String(cString: strerror(Int32($0.code))) } ?? error.localizedDescription
            throw EngineError(.io, "cannot write: \(reason)", input: path)
        }
    }
}
