import { describe, expect, it } from "@effect/vitest"
import { bulkResolveUrl } from "../../src/domain/LmlWire.js"

describe("bulkResolveUrl", () => {
  it.each(["http://h", "http://h/", "http://h/api/v1", "http://h/api/v1/"])(
    "%s reaches the endpoint",
    (base) => {
      expect(bulkResolveUrl(base)).toBe("http://h/api/v1/identity/bulk-resolve-libraries")
    }
  )

  it("keeps a path prefix in front of /api/v1", () => {
    expect(bulkResolveUrl("https://example.org/lml/api/v1/")).toBe(
      "https://example.org/lml/api/v1/identity/bulk-resolve-libraries"
    )
  })
})
