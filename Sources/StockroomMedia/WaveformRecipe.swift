import Foundation

/// The WAVEFORM recipe: the whole audio file drawn as one bar per pixel column, the peak level in
/// `colour` and the RMS level over it in `rmsColour`, mirrored about the middle, on `background`
/// (an alpha below 255 keeps the PNG or WebP transparent). A silent stretch is a line two pixels
/// high, so the timeline stays visible.
public struct WaveformRecipe: Sendable, Codable, Hashable {
    public var width: Int
    public var height: Int
    public var colour: RGBAColour
    public var rmsColour: RGBAColour
    public var background: RGBAColour
    public var format: RenditionRecipe.ImageFormat
    public var quality: Int

    public static let widths = 64...4096
    public static let heights = 16...1024
    public static let formats: [RenditionRecipe.ImageFormat] = [.png, .webp]

    public init(width: Int = 1200, height: Int = 240, colour: RGBAColour = RGBAColour(red: 0x8d, green: 0xa9, blue: 0xff),
                rmsColour: RGBAColour = RGBAColour(red: 0x3d, green: 0x63, blue: 0xdd),
                background: RGBAColour = RGBAColour(red: 0xf3, green: 0xf4, blue: 0xf7),
                format: RenditionRecipe.ImageFormat = .png, quality: Int = 90) {
        self.width = width
        self.height = height
        self.colour = colour
        self.rmsColour = rmsColour
        self.background = background
        self.format = format
        self.quality = quality
    }
}

/// An sRGB colour with alpha, written `#rrggbb` or `#rrggbbaa` in recipes.
public struct RGBAColour: Sendable, Codable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public var alpha: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `#rrggbb` or `#rrggbbaa` (case-insensitive); nil for anything else.
    public init?(hex: String) {
        let text = hex.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("#"), text.count == 7 || text.count == 9,
              let value = UInt32(text.dropFirst(), radix: 16) else { return nil }
        if text.count == 7 {
            self.init(red: UInt8(value >> 16 & 0xff), green: UInt8(value >> 8 & 0xff), blue: UInt8(value & 0xff))
        } else {
            self.init(red: UInt8(value >> 24), green: UInt8(value >> 16 & 0xff), blue: UInt8(value >> 8 & 0xff), alpha: UInt8(value & 0xff))
        }
    }

    public var description: String {
        let hex = [red, green, blue] + (alpha == 255 ? [] : [alpha])
        return "#" + hex.map { String(format: "%02x", $0) }.joined()
    }
}
