import CloudinaryTransform
import Foundation
import GRDB
import Synchronization

/// The planner's incremental cache: an embedded SQLite file holding analyses, per-variant
/// decisions and report thumbnails, each under a key that is the SHA-256 of everything that
/// affects the result (the source's content hash, the engine version, the options), and the
/// sources' content hashes under their files' identities (``ContentHash``).
///
/// Analyses and decisions are separate tables, so a re-run with one new placement reads every
/// analysis and every old decision, and computes only the new placement's variants.
///
/// A file that is not SQLite, not this cache (another application's database), of another
/// schema, or that fails SQLite's integrity check is moved aside to `<path>.bad` and rebuilt;
/// ``warnings`` says so. Every entry carries a check of its bytes: one damaged on disk (which
/// SQLite's check does not see inside a value) is recomputed and overwritten, and counted in
/// ``damagedEntries``; so is one that does not decode, or decodes to values its image rules out. Rows of other engine versions are dropped on open. Keys include
/// every input, so a stale entry can only be a missing one. A cache the user may not write (the
/// file or its folder) is opened read-only: used, never moved aside, nothing stored.
final class PlanCache: Sendable {
    /// `PRAGMA application_id`: "VPLN".
    static let applicationID: Int32 = 0x5650_4C4E
    static let schemaVersion = 1

    enum Table: String, CaseIterable {
        case analyses, decisions, thumbnails
        /// Source files' content hashes under the file's identity (``ContentHash``). Added after
        /// the first three: created in a cache that lacks it, never a reason to rebuild one.
        case fileHashes

        /// The tables every cache of this schema has had from the start.
        static let original: [Table] = [.analyses, .decisions, .thumbnails]
    }

    let path: String
    /// Opened read-only (the user may not write the file or its folder): nothing is stored.
    let readOnly: Bool
    private let queue: DatabaseQueue
    /// What went wrong with the file as found (rebuilt, entries dropped).
    let warnings: [String]
    /// Entries read whose bytes no longer matched their check (damaged where they are stored).
    private let damaged = Mutex(0)
    var damagedEntries: Int { damaged.withLock { $0 } }
    /// The entries this process stored ("table key"): what a plan reads back from them is work
    /// shared within the run (overrides of one file), not work an earlier run cached.
    private let storedHere = Mutex(Set<String>())
    /// Stores the disk refused (full, or failing), with the first reason: a plan goes on without
    /// them, and says so once (it recomputed most of every run without a word, found in QA).
    private let refused = Mutex((count: 0, reason: ""))
    var refusedStores: (count: Int, reason: String) { refused.withLock { $0 } }

    /// Opens (or creates) the cache at `path`.
    /// - Throws: `EngineError(.io)` when the file cannot be created even after moving a bad one aside.
    init(path: String) throws {
        self.path = path
        var warnings: [String] = []
        let existed = try Self.checkPlace(path)
        // A cache this user may read but not write (shared by a team, on a read-only mount) is
        // used as it is: moving it aside as "corrupt" would lose it for everyone.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if existed && (access(path, W_OK) != 0 || access(folder, W_OK) != 0) {
            do {
                queue = try Self.open(path: path, readOnly: true)
            } catch {
                throw EngineError(.io, "the cache is read-only and cannot be used (\(Self.reason(error))): "
                                    + "give --cache another path, or plan with --no-cache", input: path)
            }
            readOnly = true
            self.warnings = ["the cache \(path) is read-only: its entries are used, new ones are not stored"]
            return
        }
        readOnly = false
        do {
            queue = try Self.open(path: path)
        } catch let busy as CacheBusy {
            // Held by someone else (a long read in another tool, another plan's write): busy is
            // not damage, and the file must not be set aside.
            throw EngineError(.io, "the cache is locked by another process (\(busy.reason)) after waiting "
                                + "\(Self.formatted(Self.busyTimeout)) s: try again, or plan with --no-cache", input: path)
        } catch let failure as CacheStorageFailure {
            if !existed { Self.removeFiles(path) }
            throw EngineError(.io, "cannot \(existed ? "open" : "create") the cache: \(failure.reason); "
                                + "free some space, or plan with --no-cache", input: path)
        } catch let problem as CacheProblem {
            guard existed else {
                // Nothing of a cache that could not be made is left behind (a 0-byte or 4 KB file
                // that the next run set aside as damaged, one more .bad each time).
                Self.removeFiles(path)
                throw EngineError(.io, "cannot create the cache: \(problem.reason)", input: path)
            }
            // Never over an earlier file set aside: that one may be the only copy of something.
            var aside = path + ".bad", n = 2
            while FileManager.default.fileExists(atPath: aside) {
                aside = "\(path).bad.\(n)"
                n += 1
            }
            warnings.append("the cache \(path) \(problem.reason); it was moved to \(aside) and rebuilt")
            do {
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                queue = try Self.open(path: path)
            } catch {
                // The damaged file stays set aside; the new one that could not be made goes.
                if FileManager.default.fileExists(atPath: aside) { Self.removeFiles(path) }
                let reason = (error as? CacheStorageFailure)?.reason ?? Self.reason(error)
                throw EngineError(.io, "cannot rebuild the cache: \(reason)", input: path)
            }
        } catch {
            throw EngineError(.io, "cannot open the cache: \(Self.reason(error))", input: path)
        }
        self.warnings = warnings
    }

    /// A cache for one run, for a plan without a cache file (`--no-cache`): entries that share a
    /// source (overrides, the same photo under many ids) still share its analysis and decisions,
    /// which 300 entries of one photo computed 300 times over (61 s against 0.7 s with a file).
    /// It is SQLite's private temporary database (an empty file name): pages past its small
    /// page cache go to a temporary file that SQLite deletes when it is closed, so memory stays
    /// bounded however many analyses (about 140 KB each) the run stores.
    static func temporary() throws -> PlanCache { try PlanCache(temporary: ()) }

    private init(temporary: Void) throws {
        path = ""
        readOnly = false
        warnings = []
        do {
            queue = try Self.open(path: "")
        } catch {
            throw EngineError(.io, "cannot make a temporary cache: \(Self.reason(error))", input: "--no-cache")
        }
    }

    /// Removes the cache file at `path` with SQLite's companions (-wal, -shm, -journal).
    static func removeFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Refuses a place the cache must not take: a directory, a device or pipe, a file that is
    /// not SQLite and not named like a cache (a manifest given to --cache by mistake would
    /// otherwise be moved aside as a corrupt cache), a missing or read-only folder.
    /// - Returns: Whether a file is there already.
    static func checkPlace(_ path: String) throws -> Bool {
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw EngineError(.io, "is a directory, not a cache file", input: path)
            default: throw EngineError(.io, "is not a regular file, so it cannot hold the cache", input: path)
            }
            guard mayBeCache(path) else {
                throw EngineError(.io, "is not a SQLite file: it is left alone, not replaced by the cache "
                                    + "(give --cache a new path, or plan with --no-cache)", input: path)
            }
            return true
        }
        // Where the file system puts it (a link then ".." leads elsewhere than the text says).
        let directory = URL(fileURLWithPath: AtomicFile.destination(of: path)).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EngineError(.io, "cannot create the cache: the directory \(directory) does not exist", input: path)
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw EngineError(.io, "cannot create the cache: the directory \(directory) is not writable "
                                + "(give --cache another path, or plan with --no-cache)", input: path)
        }
        return false
    }

    /// Whether the file may be this cache, damaged or not, and so may be set aside and rebuilt:
    /// it is empty, starts with SQLite's header, or is named like a database.
    static func mayBeCache(_ path: String) -> Bool {
        if ["sqlite", "sqlite3", "db"].contains((path as NSString).pathExtension.lowercased()) { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        return head.isEmpty || head == Data("SQLite format 3\u{0}".utf8)
    }

    /// An error as one line: SQLite's message, or the system's reason for a file operation.
    static func reason(_ error: Error) -> String {
        if let problem = error as? CacheProblem { return problem.reason }
        if let database = error as? DatabaseError { return database.message ?? database.description }
        return AtomicFile.systemReason(error)
    }

    struct CacheProblem: Error {
        var reason: String
    }

    /// The file is locked by another connection (SQLITE_BUSY or SQLITE_LOCKED past the wait).
    struct CacheBusy: Error {
        var reason: String
    }

    /// The disk failed the open (SQLITE_FULL, SQLITE_IOERR): not the file's fault, so it is not
    /// set aside as damaged (a full disk moved a good cache to `.bad`, and left a new empty one).
    struct CacheStorageFailure: Error {
        var reason: String
    }

    /// How long an open waits for another process's lock on the file; tests shorten it.
    nonisolated(unsafe) static var busyTimeout: TimeInterval = 10

    static func formatted(_ seconds: TimeInterval) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// Whether `error` says another connection holds the file, rather than that it is damaged.
    static func isBusy(_ error: Error) -> Bool {
        guard let database = error as? DatabaseError else { return false }
        return database.resultCode == .SQLITE_BUSY || database.resultCode == .SQLITE_LOCKED
    }

    private static func open(path: String, readOnly: Bool = false) throws -> DatabaseQueue {
        let exists = FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "variant-plan-cache"
        configuration.readonly = readOnly
        // No fsync per entry: every entry carries its own check, bound to its key
        // (``sealed(_:key:)``, so a row found under the wrong key after a power cut fails it as
        // damaged bytes do), and a file SQLite finds damaged is rebuilt when opened; what a power
        // cut can cost is recomputing, which is what the cache is for. The rollback journal
        // still keeps each write whole if the process dies. With the default (FULL), each of a
        // plan's few hundred stores waited for the disk: a cache cost 0.9 s of 3.2 s planning
        // 100 small assets with one job (found in QA).
        if !readOnly {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            if isBusy(error) { throw CacheBusy(reason: (error as? DatabaseError)?.message ?? "\(error)") }
            throw CacheProblem(reason: "cannot be opened as SQLite (\(error))")
        }
        if readOnly {
            // The same checks, without the writes: rows of other engine builds stay (their keys,
            // which start with the engine's identity, never match).
            do {
                try queue.read { db in try verify(db, tables: try tableNames(db)) }
            } catch {
                try? queue.close()
                throw error
            }
            return queue
        }
        do {
            try queue.writeWithoutTransaction { db in
                let tables = try tableNames(db)
                // A database with anything in it (a view, a trigger) or its own application id
                // or version is someone's: checked, never taken over (only tables were looked
                // at, so a database of views had its pragmas overwritten without a word).
                let objects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                let application = try Int.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let marked = application != 0 || version != 0
                if exists && (objects > 0 || marked) {
                    try verify(db, tables: tables)
                } else {
                    try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                    try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                }
                for table in Table.allCases {
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS \(table.rawValue) (
                            key TEXT PRIMARY KEY NOT NULL,
                            engineVersion TEXT NOT NULL,
                            value BLOB NOT NULL)
                        """)
                }
                for table in Table.allCases {
                    try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE engineVersion != ?",
                                   arguments: [identity])
                }
            }
        } catch let problem as CacheProblem {
            try? queue.close()
            throw problem
        } catch let error as DatabaseError {
            try? queue.close()
            if isBusy(error) { throw CacheBusy(reason: error.message ?? error.description) }
            if error.resultCode.primaryResultCode == .SQLITE_FULL || error.resultCode.primaryResultCode == .SQLITE_IOERR {
                throw CacheStorageFailure(reason: error.resultCode.primaryResultCode == .SQLITE_FULL
                                          ? "the disk is full" : "the disk could not be read or written (\(error.message ?? error.description))")
            }
            throw CacheProblem(reason: "is not a readable cache (\(error.message ?? error.description))")
        }
        return queue
    }

    private static func tableNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
    }

    /// Whether the database is this cache, whole and of this schema (read-only: nothing is written).
    private static func verify(_ db: Database, tables: [String]) throws {
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        guard application == applicationID else {
            throw CacheProblem(reason: "is another application's database")
        }
        let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? ""
        guard check == "ok" else {
            // SQLite lists every problem, one per line, under a "*** in database main ***"
            // header (which alone said nothing): the first problem says what kind.
            let lines = check.split(separator: "\n").filter { !$0.hasPrefix("***") }
            guard let firstLine = lines.first else {
                throw CacheProblem(reason: "is corrupt (SQLite's check: \(check.prefix(200)))")
            }
            let first = (lines.count == 1 ? ": " : ": the first, ") + firstLine.prefix(200)
            throw CacheProblem(reason: "is corrupt (SQLite's check found \(lines.count) problem\(lines.count == 1 ? "" : "s")\(first))")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version == schemaVersion else { throw CacheProblem(reason: "has another schema (\(version))") }
        let missing = Table.original.map(\.rawValue).filter { !tables.contains($0) }
        guard missing.isEmpty else { throw CacheProblem(reason: "lacks its table(s) \(missing.joined(separator: ", "))") }
    }

    /// Whose entries these are: the engine build (its sources' digest) and the libvips it runs on
    /// (decoders and encoders move pixels and bytes). Entries of any other are deleted when the
    /// cache is opened for writing, and never match a key.
    static var identity: String { "\(variantEngineBuild) libvips \(Vips.version)" }

    /// The key of an entry: SHA-256 over its parts, the engine's identity first.
    static func key(_ parts: [String], identity: String = identity) -> String {
        SHA256.hash(([identity] + parts).joined(separator: "\u{1F}")).hex
    }

    /// The entry's bytes, or nil when there is none or it fails its check.
    func data(_ table: Table, key: String) -> Data? {
        guard let stored = try? queue.read({ db in
            try Data.fetchOne(db, sql: "SELECT value FROM \(table.rawValue) WHERE key = ?", arguments: [key])
        }) else { return nil }
        guard let value = Self.unsealed(stored, key: key) else {
            damaged.withLock { $0 += 1 }
            return nil
        }
        return value
    }

    func store(_ table: Table, key: String, data: Data) {
        if readOnly { return }
        storedHere.withLock { _ = $0.insert(table.rawValue + " " + key) }
        // A cache that cannot be written costs time, not correctness: the plan is still right.
        do {
            try queue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO \(table.rawValue) (key, engineVersion, value) VALUES (?, ?, ?)",
                               arguments: [key, Self.identity, Self.sealed(data, key: key)])
            }
        } catch {
            let full = (error as? DatabaseError)?.resultCode.primaryResultCode == .SQLITE_FULL
            refused.withLock { state in
                state.count += 1
                if state.reason.isEmpty { state.reason = full ? "the disk is full" : Self.reason(error) }
            }
        }
    }

    /// Whether this process stored the entry (a hit on it is reuse within the run).
    func storedInThisRun(_ table: Table, key: String) -> Bool {
        storedHere.withLock { $0.contains(table.rawValue + " " + key) }
    }

    /// `data` after an 8-byte check of it and of the key it is stored under (little-endian): a
    /// row read under another key fails its check as damaged bytes do. (The file is not synced
    /// per entry, and after a power cut a primary-key index could point a key at another row,
    /// which SQLite's quick check does not compare; found in review.)
    static func sealed(_ data: Data, key: String) -> Data {
        var check = seal(data, key: key).littleEndian
        var out = Data(bytes: &check, count: 8)
        out.append(data)
        return out
    }

    /// What ``sealed(_:key:)`` sealed under `key`, or nil when the bytes no longer match their
    /// check or were sealed under another key.
    static func unsealed(_ stored: Data, key: String) -> Data? {
        guard stored.count >= 8 else { return nil }
        let check = stored.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let value = stored.dropFirst(8)
        return seal(value, key: key) == check ? Data(value) : nil
    }

    /// The value's check mixed with the key's, by steps that are each a bijection of the value's
    /// check (so a change the value's check sees, the seal sees).
    static func seal(_ value: some DataProtocol & ContiguousBytes, key: String) -> UInt64 {
        (checksum(value) ^ checksum(Data(key.utf8))) &* 0x9E37_79B9_7F4A_7C15
    }

    /// A 64-bit check of `data`, eight bytes at a time (an analysis is about 140 KB, and an
    /// unchanged re-run reads every one). Each step is a bijection of the running value, so a
    /// change within any one 8-byte word always changes the result; damage spread wider goes
    /// unseen with a chance of one in 2^64. Damage, not forgery: whoever may write the file may
    /// also write the check.
    static func checksum(_ data: some DataProtocol & ContiguousBytes) -> UInt64 {
        data.withUnsafeBytes { raw -> UInt64 in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(raw.count)
            let prime: UInt64 = 0x0000_0100_0000_01B3
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)) &* prime
                h ^= h >> 29
            }
            for i in (words &* 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* prime }
            return h
        }
    }

    /// A decoded entry, or nil when absent, undecodable or not `usable` (then it is recomputed
    /// and replaced): a row edited into nonsense that still decodes (a height of 0, a face
    /// outside the image) must not reach the arithmetic that trusts it.
    func value<T: Decodable>(_ type: T.Type, _ table: Table, key: String, usable: (T) -> Bool = { _ in true }) -> T? {
        guard let data = data(table, key: key), let value = try? JSONDecoder().decode(T.self, from: data) else { return nil }
        return usable(value) ? value : nil
    }

    func store<T: Encodable>(_ value: T, _ table: Table, key: String) {
        // Slashes as they are: an analysis's saliency map is base64, full of them, and a string
        // with escapes takes the decoder's slow path (a fifth of an unchanged re-run's time).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let data = try? encoder.encode(value) else { return }
        store(table, key: key, data: data)
    }

    /// Replaces every value of `table`, sealed as a store would (tests plant values with it).
    func overwriteAllForTesting(_ table: Table, with data: Data) throws {
        try queue.write { db in
            for key in try String.fetchAll(db, sql: "SELECT key FROM \(table.rawValue)") {
                try db.execute(sql: "UPDATE \(table.rawValue) SET value = ? WHERE key = ?", arguments: [Self.sealed(data, key: key), key])
            }
        }
    }

    /// Changes one byte of an entry's value where it is stored, its check left as it was (damage
    /// on disk, which SQLite's own check does not see inside a value).
    func damageForTesting(_ table: Table, key: String, at offset: Int) throws {
        try queue.write { db in
            guard var stored = try Data.fetchOne(db, sql: "SELECT value FROM \(table.rawValue) WHERE key = ?", arguments: [key])
            else { throw CacheProblem(reason: "no entry \(key)") }
            stored[stored.startIndex + 8 + offset] ^= 0x04
            try db.execute(sql: "UPDATE \(table.rawValue) SET value = ? WHERE key = ?", arguments: [stored, key])
        }
    }

    /// Writes a row as another engine build would have (tests of what an upgrade does to a cache).
    func insertForTesting(_ table: Table, key: String, identity: String, data: Data) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO \(table.rawValue) (key, engineVersion, value) VALUES (?, ?, ?)",
                           arguments: [key, identity, Self.sealed(data, key: key)])
        }
    }

    /// Drops a table (tests of a cache written before the table existed).
    func dropForTesting(_ table: Table) throws {
        try queue.write { db in try db.execute(sql: "DROP TABLE \(table.rawValue)") }
    }

    /// The keys of `table` (tests read and damage single entries with them).
    func keysForTesting(_ table: Table) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT key FROM \(table.rawValue) ORDER BY key") }
    }

    /// Row counts per table (for tests and `--verbose` statistics).
    func count(_ table: Table) -> Int {
        (try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.rawValue)") ?? 0 }) ?? 0
    }
}
