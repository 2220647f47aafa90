/// The release this build is (`stockroom --version`, the server's status page).
public enum StockroomVersion {
    public static let current = "0.15.0"
}
