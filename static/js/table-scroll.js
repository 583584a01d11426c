// Wide tables ([data-table-scroll], the report's): where a table is wider than its box, the
// hint above it shows and the box gets classes that draw a shadow at the edge where more
// columns hide (kokemus.css), so nobody misses the total column behind a sideways scroll.
// Without JavaScript the table still scrolls and its first and total columns stay in view.
function markScroll(wrapper) {
  const box = wrapper.querySelector(".table-responsive");
  const hint = wrapper.querySelector(".table-scroll-hint");
  const hidden = box.scrollWidth - box.clientWidth;
  const scrollable = hidden > 1;
  wrapper.classList.toggle("is-scrollable", scrollable);
  // scrollLeft is negative in a right-to-left page; Kokemus's languages read left to right.
  wrapper.classList.toggle("more-left", scrollable && box.scrollLeft > 1);
  wrapper.classList.toggle("more-right", scrollable && box.scrollLeft < hidden - 1);
  if (hint) hint.hidden = !scrollable;
}

document.addEventListener("DOMContentLoaded", () => {
  const wrappers = [...document.querySelectorAll("[data-table-scroll]")];
  for (const wrapper of wrappers) {
    const box = wrapper.querySelector(".table-responsive");
    box.addEventListener("scroll", () => markScroll(wrapper), { passive: true });
    new ResizeObserver(() => markScroll(wrapper)).observe(box);
    markScroll(wrapper);
  }
});
