import Foundation
import VipsCore

/// The cores and memory this process may use. In a container the machine's figures are not
/// the limits: a Kubernetes pod given 2 CPUs and 2 GiB on a 64-core node still sees 64 cores
/// (`ProcessInfo.activeProcessorCount` follows the CPU affinity only, and `physicalMemory` the
/// machine), so one plan job per core would start 64 decodes and be killed for its memory. The
/// limits are read from the process's control groups (v2 `cpu.max` and `memory.max`, v1
/// `cpu.cfs_quota_us` and `memory.limit_in_bytes`), from its own group up to the root, the
/// tightest winning.
public enum SystemResources {
    /// Memory a plan job may need at once: with the malloc arenas capped (``limitMallocArenas()``,
    /// as the CLI does), the sample campaign peaks at 180, 242 and 292 MiB for `--jobs 1, 2, 4`
    /// with `--fixed-quality` and at 305 and 496 MiB for 1 and 2 jobs in the default mode
    /// (BENCHMARKS.md); a 20 MP source decoded whole takes 60 MB per copy.
    public static let memoryPerJob: UInt64 = 384 << 20

    /// Cores usable: the affinity's count, lowered by a CPU quota (rounded up).
    public static var usableCores: Int { usableCores(quota: limits().cpus) }

    static func usableCores(quota: Double?) -> Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let quota else { return cores }
        return max(1, min(cores, Int(quota.rounded(.up))))
    }

    /// The threads libvips should use per pipeline, when its own count would be wrong: libvips
    /// sizes its pools by the cores the process is allowed to run on, which in a container with a
    /// CPU limit are the node's (64 threads per decode in a 2-CPU pod). Nil when the counts agree
    /// or `VIPS_CONCURRENCY` says what to use. The CLI applies it at start
    /// (`Vips.setConcurrency`); a program embedding the engine can do the same.
    public static var libvipsThreads: Int? {
        libvipsThreads(usable: usableCores, seen: max(1, ProcessInfo.processInfo.activeProcessorCount),
                       environment: ProcessInfo.processInfo.environment["VIPS_CONCURRENCY"])
    }

    static func libvipsThreads(usable: Int, seen: Int, environment: String?) -> Int? {
        environment == nil && usable < seen ? usable : nil
    }

    /// How many malloc arenas glibc should keep, when its own number would waste memory: one
    /// per usable core, at least 2. glibc gives threads heaps (arenas) of their own, up to eight
    /// per core, and each keeps what is freed in it for its own later use; over a plan, which
    /// decodes and scores on many threads, the peak grew with every asset. Nil when
    /// `MALLOC_ARENA_MAX` says what to use.
    public static var mallocArenas: Int? {
        mallocArenas(usable: usableCores, environment: ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"])
    }

    static func mallocArenas(usable: Int, environment: String?) -> Int? {
        environment == nil ? max(2, usable) : nil
    }

    /// Applies ``mallocArenas`` (glibc only: elsewhere it does nothing) and returns the number
    /// set, or nil. Call it at start, before other threads allocate: arenas already made stay.
    /// The CLI does; a program embedding the engine can do the same. Measured in BENCHMARKS.md
    /// ("Plan memory and malloc arenas").
    @discardableResult
    public static func limitMallocArenas() -> Int? {
        guard let arenas = mallocArenas, Vips.limitMallocArenas(arenas) else { return nil }
        return arenas
    }

    /// Parallel plan jobs by default: one per usable core, and no more than one per
    /// ``memoryPerJob`` of the memory limit, when there is one (at least one).
    public static var defaultJobs: Int {
        let found = limits()
        return jobs(cores: usableCores(quota: found.cpus), memoryLimit: found.memory)
    }

    static func jobs(cores: Int, memoryLimit: UInt64?) -> Int {
        guard let memoryLimit else { return max(1, cores) }
        return max(1, min(cores, Int(memoryLimit / memoryPerJob)))
    }

    /// The limits of this process's control groups.
    static func limits() -> (cpus: Double?, memory: UInt64?) {
        limits(groups: read("/proc/self/cgroup") ?? "", read: read)
    }

    /// The limits found for the groups listed in `groups` (the text of /proc/self/cgroup), with
    /// `read` giving a file's contents. Every level from the group up to the hierarchy's root is
    /// looked at: a pod's limit sits on a parent of its container's group.
    static func limits(groups: String, read: (String) -> String?) -> (cpus: Double?, memory: UInt64?) {
        var cpus: Double?, memory: UInt64?
        func tighten(_ value: Double?) { if let value { cpus = min(cpus ?? value, value) } }
        func tighten(_ value: UInt64?) { if let value { memory = min(memory ?? value, value) } }
        for line in groups.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",").map(String.init)
            for directory in levels(of: String(fields[2])) {
                if controllers.isEmpty {
                    // v2: one hierarchy, mounted at /sys/fs/cgroup.
                    let root = "/sys/fs/cgroup" + directory
                    tighten(read(root + "/cpu.max").flatMap(parseCPUMax))
                    tighten(read(root + "/memory.max").flatMap(parseBytes))
                }
                if controllers.contains("cpu") {
                    for mount in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
                        let quota = read(mount + directory + "/cpu.cfs_quota_us"), period = read(mount + directory + "/cpu.cfs_period_us")
                        if let quota, let period { tighten(parseCFS(quota: quota, period: period)); break }
                    }
                }
                if controllers.contains("memory") {
                    tighten(read("/sys/fs/cgroup/memory" + directory + "/memory.limit_in_bytes").flatMap(parseBytes))
                }
            }
        }
        return (cpus, memory)
    }

    /// "/a/b" → ["/a/b", "/a", ""] (the last is the hierarchy's root).
    static func levels(of path: String) -> [String] {
        var parts = path.split(separator: "/").map(String.init)
        var result: [String] = []
        while true {
            result.append(parts.isEmpty ? "" : "/" + parts.joined(separator: "/"))
            if parts.isEmpty { return result }
            parts.removeLast()
        }
    }

    /// v2 `cpu.max`: "max 100000" (none) or "QUOTA PERIOD" in microseconds.
    static func parseCPUMax(_ text: String) -> Double? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    /// v1 `cpu.cfs_quota_us` (-1: none) over `cpu.cfs_period_us`.
    static func parseCFS(quota: String, period: String) -> Double? {
        guard let q = Double(quota.trimmingCharacters(in: .whitespacesAndNewlines)),
              let p = Double(period.trimmingCharacters(in: .whitespacesAndNewlines)), q > 0, p > 0 else { return nil }
        return q / p
    }

    /// A byte limit: v2 "max" is none, and v1 writes "none" as a number near 2^63.
    static func parseBytes(_ text: String) -> UInt64? {
        guard let value = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)), value < (1 << 62) else { return nil }
        return value
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
