import Foundation
import Testing
@testable import VariantEngine

/// The container limits that set the plan's default number of jobs, read from control-group
/// files given here as text (the parsing of the files a real v1 and v2 host has).
@Suite("System resources")
struct SystemResourcesTests {
    static func limits(_ groups: String, _ files: [String: String]) -> (cpus: Double?, memory: UInt64?) {
        SystemResources.limits(groups: groups, read: { files[$0] })
    }

    @Test("cgroup v2: a pod's limits on its parent group win over the container's 'max'")
    func version2() {
        let found = Self.limits("0::/kubepods/pod1/ctr\n", [
            "/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": "max 100000\n",
            "/sys/fs/cgroup/kubepods/pod1/ctr/memory.max": "max\n",
            "/sys/fs/cgroup/kubepods/pod1/cpu.max": "200000 100000\n",
            "/sys/fs/cgroup/kubepods/pod1/memory.max": "2147483648\n",
        ])
        #expect(found.cpus == 2)
        #expect(found.memory == 2 << 30)
        // 64 cores seen, 2 allowed, 2 GiB: two jobs.
        #expect(SystemResources.jobs(cores: min(64, Int(found.cpus!.rounded(.up))), memoryLimit: found.memory) == 2)
    }

    @Test("cgroup v1: quota over period, -1 and v1's huge 'no limit' ignored, the tightest level wins")
    func version1() {
        let found = Self.limits("4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n", [
            "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "-1\n",
            "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_quota_us": "150000\n",
            "/sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "9223372036854771712\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824\n",
        ])
        #expect(found.cpus == 1.5)
        #expect(found.memory == 1 << 30)
        #expect(SystemResources.jobs(cores: 2, memoryLimit: found.memory) == 2)
        #expect(SystemResources.jobs(cores: 8, memoryLimit: 256 << 20) == 1, "at least one job")
    }

    @Test("libvips is given the usable cores only when its own count would be larger and no VIPS_CONCURRENCY is set")
    func libvipsThreads() {
        #expect(SystemResources.libvipsThreads(usable: 2, seen: 64, environment: nil) == 2)
        #expect(SystemResources.libvipsThreads(usable: 2, seen: 2, environment: nil) == nil)
        #expect(SystemResources.libvipsThreads(usable: 2, seen: 64, environment: "8") == nil)
    }

    @Test("glibc's malloc arenas: one per usable core, at least two, unless MALLOC_ARENA_MAX is set")
    func mallocArenas() {
        #expect(SystemResources.mallocArenas(usable: 1, environment: nil) == 2)
        #expect(SystemResources.mallocArenas(usable: 16, environment: nil) == 16)
        #expect(SystemResources.mallocArenas(usable: 16, environment: "4") == nil)
        // glibc takes the setting (mallopt returns 1) in this process, which does not set the variable.
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil {
            #expect(SystemResources.limitMallocArenas() == max(2, SystemResources.usableCores))
        }
    }

    @Test("no limits, unreadable or odd files: the machine's figures")
    func none() {
        #expect(Self.limits("0::/\n", [:]).cpus == nil)
        let odd = Self.limits("0::/x\n1:cpu:/x\n", ["/sys/fs/cgroup/x/cpu.max": "garbage", "/sys/fs/cgroup/cpu/x/cpu.cfs_quota_us": "12"])
        #expect(odd.cpus == nil && odd.memory == nil)
        #expect(SystemResources.jobs(cores: 6, memoryLimit: nil) == 6)
        #expect(SystemResources.levels(of: "/a/b") == ["/a/b", "/a", ""])
        #expect(SystemResources.levels(of: "/") == [""])
    }
}
