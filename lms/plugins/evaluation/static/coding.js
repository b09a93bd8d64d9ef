// Selecting words in the passage fills the coding form (the form works without this:
// people can paste the words, or give start and end positions).
const text = document.querySelector("[data-coding-text]");
const form = document.querySelector("[data-coding-form]");

if (text && form) {
  const excerpt = form.querySelector("textarea[name=excerpt]");
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");

  const offsetOf = (node, offset) => {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  };

  const take = () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    excerpt.value = selection.toString();
    start.value = offsetOf(range.startContainer, range.startOffset);
    end.value = offsetOf(range.endContainer, range.endOffset);
  };

  text.addEventListener("mouseup", take);
  text.addEventListener("keyup", take);
  const button = document.querySelector("[data-coding-use-selection]");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => { take(); excerpt.focus(); });
  }
}
