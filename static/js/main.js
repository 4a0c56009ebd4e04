// Entry point: wires the language switch. Views are added by their own modules.
const STRINGS = {
  en: { switch: "中文", subtitle: "watch a recurrent network read, predict and learn" },
  zh: { switch: "English", subtitle: "看循环神经网络读句子、预测下一个词、学习" },
};

function setLanguage(lang) {
  document.documentElement.lang = lang === "zh" ? "zh" : "en";
  const button = document.getElementById("lang-switch");
  button.textContent = STRINGS[lang].switch;
  button.dataset.lang = lang;
  document.querySelector("[data-i18n=subtitle]").textContent = STRINGS[lang].subtitle;
}

document.getElementById("lang-switch").addEventListener("click", (event) => {
  setLanguage(event.currentTarget.dataset.lang === "zh" ? "en" : "zh");
});
setLanguage("en");
