// The emails the app sends, each as a plain-text and an HTML body. Callers build the links.

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Names and workspace titles are user input: a newline must not reshape a subject or a line. */
function oneLine(value: string, maxLength = 120): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/** Escaping keeps a link inside its href, but only a scheme check keeps `javascript:` out of it. */
function checkedLink(link: string): string {
  const url = new URL(link);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`Email links must be http(s), got ${url.protocol}`);
  }
  return link;
}

interface Layout {
  subject: string;
  greeting: string;
  intro: string[];
  action: { label: string; link: string };
  outro: string[];
}

function render(layout: Layout): RenderedEmail {
  const link = checkedLink(layout.action.link);
  // The link sits alone on its line so mail clients and tests can pick it out verbatim.
  const text = [layout.greeting, "", ...layout.intro, "", link, "", ...layout.outro, "", "— MeetMind", ""].join("\n");
  const paragraph = (line: string) => `<p style="margin:0 0 16px">${escapeHtml(line)}</p>`;
  const href = escapeHtml(link);
  const html = [
    "<!doctype html>",
    '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">',
    '<div style="max-width:560px;margin:0 auto;padding:24px">',
    paragraph(layout.greeting),
    ...layout.intro.map(paragraph),
    `<p style="margin:24px 0"><a href="${href}" style="background:#4f46e5;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(layout.action.label)}</a></p>`,
    `<p style="margin:0 0 16px;font-size:13px;color:#57606a">Or paste this link into your browser:<br><a href="${href}" style="color:#4f46e5;word-break:break-all">${href}</a></p>`,
    ...layout.outro.map(paragraph),
    paragraph("— MeetMind"),
    "</div></body></html>",
    "",
  ].join("\n");
  return { subject: oneLine(layout.subject, 200), text, html };
}

function greeting(name: string | null | undefined): string {
  const clean = name ? oneLine(name, 80) : "";
  return clean ? `Hi ${clean},` : "Hi,";
}

export function verifyEmail(input: { name?: string | null; link: string }): RenderedEmail {
  return render({
    subject: "Confirm your email address for MeetMind",
    greeting: greeting(input.name),
    intro: ["Please confirm your email address to finish setting up your MeetMind account."],
    action: { label: "Confirm email address", link: input.link },
    outro: ["If you did not create a MeetMind account, you can ignore this email."],
  });
}

export function passwordReset(input: { name?: string | null; link: string }): RenderedEmail {
  return render({
    subject: "Reset your MeetMind password",
    greeting: greeting(input.name),
    intro: ["Someone (hopefully you) asked to reset the password of your MeetMind account."],
    action: { label: "Choose a new password", link: input.link },
    outro: ["The link works once and expires soon. If you did not ask for a reset, ignore this email: your password stays as it is."],
  });
}

export function workspaceInvite(input: { workspaceName: string; inviterName?: string | null; link: string }): RenderedEmail {
  const workspace = oneLine(input.workspaceName, 80);
  const inviter = input.inviterName ? oneLine(input.inviterName, 80) : "";
  const who = inviter || "A teammate";
  return render({
    subject: `${who} invited you to ${workspace} on MeetMind`,
    greeting: "Hi,",
    intro: [`${who} invited you to join the ${workspace} workspace on MeetMind.`],
    action: { label: "Accept the invitation", link: input.link },
    outro: ["If you were not expecting this invitation, you can ignore this email."],
  });
}

/**
 * A hiring notice (interviews/events.ts). It names the position, stage and time, never the
 * candidate: an email cannot be taken back from an inbox when a candidate asks to be erased.
 */
export function hiringNotice(input: { name?: string | null; headline: string; details: string[]; link: string }): RenderedEmail {
  return render({
    subject: oneLine(input.headline, 200),
    greeting: greeting(input.name),
    intro: [oneLine(input.headline, 200), ...input.details.map((line) => oneLine(line, 200))],
    action: { label: "Open in MeetMind", link: input.link },
    outro: ["You get this because you are on the interview's panel or manage hiring in this workspace."],
  });
}
