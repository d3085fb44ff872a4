import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// same directory, which is renamed over the destination only once complete.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: a `CocoaError` naming the file when the directory is missing or not writable.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EngineError(.io, "the directory \(directory.path) does not exist", input: path)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        do {
            try data.write(to: temporary, options: [])
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
}
