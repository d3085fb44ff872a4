import Foundation
import PackagePlugin

/// Gives VariantEngine a digest of the code its results come from (its own sources and
/// resources, and those of the modules it is built on), so that a cache written by another
/// build is never read as this one's: every analysis and decision is keyed by it.
@main
struct EngineFingerprint: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        // The module and every module of this package it depends on, directly or not.
        var modules: [Target] = [target]
        var index = 0
        while index < modules.count {
            for dependency in modules[index].dependencies {
                if case .target(let next) = dependency, !modules.contains(where: { $0.id == next.id }) { modules.append(next) }
            }
            index += 1
        }
        var inputs: [URL] = []
        for m in modules {
            if let source = m as? SourceModuleTarget {
                inputs += source.sourceFiles.filter { $0.type == .source || $0.type == .resource || $0.type == .header }.map(\.url)
            } else if let files = try? FileManager.default.contentsOfDirectory(at: m.directoryURL, includingPropertiesForKeys: nil) {
                // A system library: its module map and shim header.
                inputs += files
            }
        }
        // A copied resource folder counts by its files.
        inputs = inputs.flatMap { url -> [URL] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue,
                  let walk = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [url] }
            return walk.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EngineFingerprint.swift")
        return [.buildCommand(
            displayName: "Fingerprinting the sources of \(module.name)",
            executable: try context.tool(named: "EngineFingerprintTool").url,
            arguments: [context.package.directoryURL.path, output.path] + inputs.map(\.path),
            inputFiles: inputs,
            outputFiles: [output])]
    }
}
