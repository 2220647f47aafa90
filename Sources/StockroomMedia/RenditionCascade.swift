/// The order in which one asset's renditions are made, and what each is resampled from.
///
/// A Lanczos reduce reads about six input pixels per output pixel in each direction, so its cost
/// follows the size of its input, not of its output: cutting nine renditions from one large decode
/// pays for nine passes over the decode. The cascade makes each rendition from the smallest image
/// already made that is at least as large — the decode, or an earlier rendition before its
/// watermark and encoding — so only the largest rendition reads the decode. `.inside` renditions go
/// largest first; `.cover` renditions follow, largest first, each cut from the smallest image that
/// covers it, an attention window found on a small one (`probe`).
struct RenditionCascade: Equatable {
    /// An image a step reads: the decode, or the unmarked pixels of the rendition of a recipe
    /// (an index into the recipe list).
    enum Source: Hashable {
        case decode
        case rendition(Int)
    }

    struct Step: Equatable {
        /// Index of the recipe this step makes.
        let recipe: Int
        /// The rendition's size.
        let target: PixelSize
        /// `.cover` only: the whole picture at the scale the target is cut from.
        let covering: PixelSize?
        /// The image the rendition is resampled (or cut) from.
        let source: Source
        /// `.cover` with attention: the small image the crop window is found on. The entropy
        /// search slices and scores its input at its own resolution, so it runs on the covering
        /// image itself; centre needs no search.
        let probe: Source?
    }

    /// Probes at least this large on both sides place a crop as well as the full covering image
    /// does: libvips reduces its input to a 32 × 32 grid before looking for the interesting part.
    static let minimumProbeSide = 256

    let steps: [Step]
    /// After step `i`, the renditions no later step reads (their pixels can be released).
    let releases: [[Int]]

    init(decoded: PixelSize, source: PixelSize, recipes: [RenditionRecipe]) {
        var made: [(source: Source, size: PixelSize)] = [(.decode, decoded)]
        var steps: [Step] = []

        // The smallest image made so far that `fits` accepts (the earlier one of equal size),
        // else the decode.
        func smallest(where fits: (PixelSize) -> Bool) -> Source {
            var best: (source: Source, area: Int)?
            for image in made where fits(image.size) {
                let area = image.size.area
                if best == nil || area < best!.area { best = (image.source, area) }
            }
            return best?.source ?? .decode
        }

        var inside: [(recipe: Int, target: PixelSize)] = []
        var cover: [(recipe: Int, target: PixelSize, covering: PixelSize)] = []
        for (index, recipe) in recipes.enumerated() {
            let box = RenditionGeometry.box(of: recipe)
            switch recipe.fit {
            case .inside:
                inside.append((index, RenditionGeometry.inside(source: source, box: box)))
            case .cover:
                let target = RenditionGeometry.cover(source: source, box: box)
                cover.append((index, target, RenditionGeometry.covering(source: source, target: target)))
            }
        }
        inside.sort { $0.target.area != $1.target.area ? $0.target.area > $1.target.area : $0.recipe < $1.recipe }
        cover.sort { $0.covering.area != $1.covering.area ? $0.covering.area > $1.covering.area : $0.recipe < $1.recipe }

        for (index, target) in inside {
            let from = smallest { $0.width >= target.width && $0.height >= target.height }
            steps.append(Step(recipe: index, target: target, covering: nil, source: from, probe: nil))
            made.append((.rendition(index), target))
        }
        let side = Self.minimumProbeSide
        for (index, target, covering) in cover {
            let from = smallest { $0.width >= covering.width && $0.height >= covering.height }
            // A picture too small (or too narrow) for such a probe is probed at its largest.
            let probe: Source? = recipes[index].crop == .attention ? smallest { min($0.width, $0.height) >= side } : nil
            steps.append(Step(recipe: index, target: target, covering: covering, source: from, probe: probe))
        }

        var lastUse: [Int: Int] = [:]
        for (position, step) in steps.enumerated() {
            for case let .rendition(index) in [step.source, step.probe].compactMap({ $0 }) {
                lastUse[index] = position
            }
        }
        var releases = Array(repeating: [Int](), count: steps.count)
        for (index, position) in lastUse {
            releases[position].append(index)
        }
        self.steps = steps
        self.releases = releases.map { $0.sorted() }
    }

    /// Whether a later step reads the image of `recipe`'s step, which is then held in memory.
    func isRead(_ recipe: Int) -> Bool {
        releases.contains { $0.contains(recipe) }
    }
}

private extension PixelSize {
    var area: Int { width * height }
}
