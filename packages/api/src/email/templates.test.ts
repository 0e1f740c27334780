import { describe, expect, it } from "vitest";
import { escapeHtml, passwordReset, verifyEmail, workspaceInvite } from "./templates.js";

const LINK = "https://app.meetmind.test/invite?token=abc&workspace=1";

describe("email templates", () => {
  it("puts the link verbatim on its own line of the text, and escaped in the HTML", () => {
    for (const email of [
      verifyEmail({ name: "Ada", link: LINK }),
      passwordReset({ name: null, link: LINK }),
      workspaceInvite({ workspaceName: "Acme", inviterName: "Bob", link: LINK }),
    ]) {
      expect(email.text.split("\n")).toContain(LINK);
      expect(email.html).toContain(`href="https://app.meetmind.test/invite?token=abc&amp;workspace=1"`);
      expect(email.html).not.toContain("&workspace");
    }
  });

  it("escapes user-supplied names in the HTML and keeps them to one line in the subject", () => {
    const email = workspaceInvite({
      workspaceName: `<script>alert("x")</script>\nBcc: victim@example.com`,
      inviterName: "Eve & 'friends'",
      link: LINK,
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain("Eve & 'friends' invited you to");
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(email.html).toContain("Eve &amp; &#39;friends&#39;");
  });

  it("greets by name when there is one", () => {
    expect(verifyEmail({ name: "Ada", link: LINK }).text.startsWith("Hi Ada,\n")).toBe(true);
    expect(passwordReset({ name: "  ", link: LINK }).text.startsWith("Hi,\n")).toBe(true);
  });

  it("refuses links that are not http(s)", () => {
    expect(() => verifyEmail({ name: "Ada", link: "javascript:alert(1)" })).toThrow(/http/);
  });

  it("escapes every HTML-significant character", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});
