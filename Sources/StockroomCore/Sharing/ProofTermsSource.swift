import Foundation

/// The proof terms of each library, read from the pipeline it renders with and kept for a few
/// seconds (pipeline files are edited by hand; the pipeline runner re-reads them too).
public final class ProofTermsSource: @unchecked Sendable {
    let libraries: any LibraryRepository
    let pipelines: PipelineDirectory
    let lifetime: TimeInterval
    private var cached: [Int64: (terms: ProofTerms, at: Date)] = [:]
    private let lock = NSLock()

    public init(libraries: any LibraryRepository, pipelines: PipelineDirectory, lifetime: TimeInterval = 10) {
        self.libraries = libraries
        self.pipelines = pipelines
        self.lifetime = lifetime
    }

    /// The terms for assets of `libraryId`; `ProofTerms.failClosed` when the pipeline cannot be read.
    public func terms(libraryId: Int64, now: Date = Date()) -> ProofTerms {
        lock.lock()
        if let hit = cached[libraryId], now.timeIntervalSince(hit.at) < lifetime {
            lock.unlock()
            return hit.terms
        }
        lock.unlock()
        let terms = load(libraryId)
        lock.lock()
        cached[libraryId] = (terms, now)
        lock.unlock()
        return terms
    }

    private func load(_ libraryId: Int64) -> ProofTerms {
        guard let library = try? libraries.library(id: libraryId),
              let definition = try? pipelines.definition(named: library.pipeline)
        else { return .failClosed }
        let preview = definition.recipes[.preview].map { max($0.width, $0.height ?? $0.width) } ?? ProofTerms.failClosed.maxDisplayEdge
        return ProofTerms(maxDisplayEdge: preview, watermarkRecipe: definition.recipes[.watermarked] != nil)
    }
}
