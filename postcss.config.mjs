// Tailwind CSS 4 runs as a PostCSS plugin in Next's CSS pipeline (app/globals.css imports it).
export default {
  plugins: { "@tailwindcss/postcss": {} },
};
