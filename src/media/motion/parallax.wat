;; The CPU renderer of depth moves (parallax.ts, renderFrameCpu) in WebAssembly SIMD, two pixels a
;; step, with the very arithmetic of parallax.ts's reference loop (renderFrameReference), which
;; says what each step means: one pixel per f64x2 lane for the sample's position in 1/4096 px,
;; ambient motion included (its sines come in tables), then the bilinear blend of the source in
;; 12-bit fixed point, four channels per i32x4. So the two give the same bytes; parallax.ts owns
;; the memory layout.
;; Built into parallax-wasm.ts by `node scripts/build-wasm.mjs`.
(module
  (memory (export "memory") 1)

  ;; Where v (a fraction of the picture) falls on a grid of `count` cells (gridCell in
  ;; parallax.ts): the first of the two cells it lies between, and the weight of the second.
  (func $cell (param $v f64) (param $count i32) (result i32 f64)
    (local $g f64) (local $first i32)
    (local.set $g (f64.min (f64.convert_i32_u (i32.sub (local.get $count) (i32.const 1)))
      (f64.max (f64.const 0) (f64.sub (f64.mul (local.get $v) (f64.convert_i32_u (local.get $count))) (f64.const 0.5)))))
    (local.set $first (i32.trunc_f64_s (f64.floor (local.get $g))))
    (if (i32.gt_s (local.get $first) (i32.sub (local.get $count) (i32.const 2)))
      (then (local.set $first (i32.sub (local.get $count) (i32.const 2)))))
    (local.get $first)
    (f64.sub (local.get $g) (f64.convert_i32_s (local.get $first))))

  ;; What depends on the column alone, once per frame (columns in parallax.ts): per column x, where
  ;; its sample lies with no displacement (an f64 at $at + 8x) and how far it moves per unit of
  ;; nearness (an f64 at $per + 8x), both in 1/4096 px; the depth cell left of it (an i32 at
  ;; $cells + 4x) and the weight of the one right of it (an f64 at $fxs + 8x). For an even count of
  ;; columns: `render` reads them in pairs, and the spare one of an odd width is never drawn.
  (func (export "columns") (param $at i32) (param $per i32) (param $fxs i32) (param $cells i32) (param $width i32) (param $dw i32)
    (param $start f64) (param $extent f64) (param $centre f64) (param $scale f64) (param $shift f64) (param $size f64)
    (local $x i32) (local $count i32) (local $b f64) (local $first i32) (local $fx f64)
    (local.set $count (i32.and (i32.add (local.get $width) (i32.const 1)) (i32.const -2)))
    (loop $column
      (local.set $b (f64.add (local.get $start)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $x)) (f64.const 0.5)) (f64.convert_i32_u (local.get $width))) (local.get $extent))))
      (f64.store (local.get $at) (f64.sub (f64.mul (local.get $b) (local.get $size)) (f64.const 2047.5)))
      (f64.store (local.get $per) (f64.mul (f64.sub (local.get $shift) (f64.mul (local.get $scale) (f64.sub (local.get $b) (local.get $centre)))) (local.get $size)))
      (call $cell (local.get $b) (local.get $dw))
      (local.set $fx)
      (local.set $first)
      (f64.store (local.get $fxs) (local.get $fx))
      (i32.store (local.get $cells) (local.get $first))
      (local.set $at (i32.add (local.get $at) (i32.const 8)))
      (local.set $per (i32.add (local.get $per) (i32.const 8)))
      (local.set $fxs (i32.add (local.get $fxs) (i32.const 8)))
      (local.set $cells (i32.add (local.get $cells) (i32.const 4)))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $column (i32.lt_u (local.get $x) (local.get $count)))))

  ;; Lane `lane` of four i32s in every lane.
  (func $broadcast0 (param $v v128) (result v128) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $v) (local.get $v)))
  (func $broadcast1 (param $v v128) (result v128) (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $v) (local.get $v)))
  (func $broadcast2 (param $v v128) (result v128) (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $v) (local.get $v)))
  (func $broadcast3 (param $v v128) (result v128) (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $v) (local.get $v)))

  ;; smoothstep(a, b, v) of parallax.ts, lane by lane.
  (func $smooth (param $v v128) (param $a f64) (param $b f64) (result v128)
    (local $u v128)
    (local.set $u (f64x2.min (f64x2.splat (f64.const 1)) (f64x2.max (f64x2.splat (f64.const 0))
      (f64x2.div (f64x2.sub (local.get $v) (f64x2.splat (local.get $a))) (f64x2.splat (f64.sub (local.get $b) (local.get $a)))))))
    (f64x2.mul (f64x2.mul (local.get $u) (local.get $u)) (f64x2.sub (f64x2.splat (f64.const 3)) (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $u)))))

  ;; Ambient wave k at the two pixels: sin(row phase + column phase) as sin r cos c + cos r sin c,
  ;; the row's sin and cos splat in $sin and $cos, the columns' from tables at $column.
  (func $wave (param $sin v128) (param $cos v128) (param $column i32) (param $stride i32) (result v128)
    (f64x2.add (f64x2.mul (local.get $sin) (v128.load (i32.add (local.get $column) (local.get $stride))))
      (f64x2.mul (local.get $cos) (v128.load (local.get $column)))))

  ;; One row of the bilinear blend: the two RGBA8 pixels at $p weighed by the i16 pair in every
  ;; lane of $weights ([4096 - wx, wx]), four channels as i32x4 in 1/4096 levels.
  (func $across (param $p i32) (param $weights v128) (result v128)
    (i32x4.dot_i16x8_s
      (i8x16.shuffle 0 16 4 16 1 16 5 16 2 16 6 16 3 16 7 16 (v128.load64_zero (local.get $p)) (v128.const i64x2 0 0))
      (local.get $weights)))

  ;; The pixel at $p blended with its right, lower and lower right neighbours: wx in the i16 pairs
  ;; of $across, wy (in 1/4096) in every lane of $wy; RGBA in lanes, 0..255, rounded half up.
  (func $bilinear (param $p i32) (param $stride i32) (param $across v128) (param $wy v128) (result v128)
    (i32x4.shr_u
      (i32x4.add
        (i32x4.add
          (i32x4.mul (call $across (local.get $p) (local.get $across)) (i32x4.sub (v128.const i32x4 4096 4096 4096 4096) (local.get $wy)))
          (i32x4.mul (call $across (i32.add (local.get $p) (local.get $stride)) (local.get $across)) (local.get $wy)))
        (v128.const i32x4 0x800000 0x800000 0x800000 0x800000))
      (i32.const 24)))

  ;; Rows [$y, $end) of a frame (width x height): RGBA8 source (sw x sh) at $src, nearness grid
  ;; (f32, dw x dh) at $depth, RGBA8 output rows from $y on at $out, room for dw f64s at $row;
  ;; $at, $per, $fxs and $cells as `columns` left them; the rest is the pose's (parallax.ts's Pose)
  ;; along y. With ambient motion ($shimmer or $sway above 0), the waves' tables (parallax.ts,
  ;; ambientTables): per wave k, the sin and cos of its column phases at $waves + (2k) n and
  ;; $waves + (2k + 1) n bytes (n = 8 x the count of columns), and per row y the sin and cos of
  ;; each wave's row phase, six f64s at $rowWaves + 48 y. parallax.ts asks for a few rows a call: V8 runs a call that is under
  ;; way to its end on the code it started with, so short calls pick up the optimised code early.
  (func (export "render")
    (param $src i32) (param $sw i32) (param $sh i32) (param $depth i32) (param $dw i32) (param $dh i32) (param $row i32)
    (param $out i32) (param $width i32) (param $height i32) (param $y i32) (param $end i32)
    (param $at i32) (param $per i32) (param $fxs i32) (param $cells i32)
    (param $start f64) (param $extent f64) (param $centre f64) (param $scale f64) (param $shift f64) (param $pivot f64)
    (param $waves i32) (param $rowWaves i32) (param $shimmer f64) (param $sway f64)
    (local $x i32) (local $c i32) (local $b f64) (local $first i32) (local $fy f64) (local $top i32) (local $f0 f64)
    (local $ambient i32) (local $stride i32) (local $column i32) (local $px v128) (local $py v128) (local $n v128) (local $distant v128) (local $closeness v128)
    (local $s0 v128) (local $c0 v128) (local $s1 v128) (local $c1 v128) (local $s2 v128) (local $c2 v128)
    (local $pitch i32) (local $size f64) (local $pixelAt v128) (local $pixelPer v128) (local $lasts v128) (local $limits v128) (local $rows v128)
    (local $left v128) (local $right v128) (local $d v128) (local $s v128) (local $corner v128) (local $w v128) (local $weights v128)
    (local.set $size (f64.mul (f64.convert_i32_u (local.get $sh)) (f64.const 4096)))
    ;; Per lane of [x A, x B, y A, y B]: the last sample position, and the last top-left corner.
    (local.set $lasts (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.splat (i32.shl (i32.sub (local.get $sw) (i32.const 1)) (i32.const 12)))
      (i32.shl (i32.sub (local.get $sh) (i32.const 1)) (i32.const 12))) (i32.shl (i32.sub (local.get $sh) (i32.const 1)) (i32.const 12))))
    (local.set $limits (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.splat (i32.sub (local.get $sw) (i32.const 2)))
      (i32.sub (local.get $sh) (i32.const 2))) (i32.sub (local.get $sh) (i32.const 2))))
    (local.set $rows (i32x4.splat (local.get $sw)))
    (local.set $pitch (i32.shl (local.get $sw) (i32.const 2)))
    (local.set $ambient (i32.or (f64.gt (local.get $shimmer) (f64.const 0)) (f64.gt (local.get $sway) (f64.const 0))))
    (local.set $stride (i32.shl (i32.and (i32.add (local.get $width) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (loop $line
      ;; The row's sample position and movement along y, as `columns` makes them along x.
      (local.set $b (f64.add (local.get $start)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $y)) (f64.const 0.5)) (f64.convert_i32_u (local.get $height))) (local.get $extent))))
      (local.set $pixelAt (f64x2.splat (f64.sub (f64.mul (local.get $b) (local.get $size)) (f64.const 2047.5))))
      (local.set $pixelPer (f64x2.splat (f64.mul (f64.sub (local.get $shift) (f64.mul (local.get $scale) (f64.sub (local.get $b) (local.get $centre)))) (local.get $size))))
      (if (local.get $ambient)
        (then
          (local.set $top (i32.add (local.get $rowWaves) (i32.mul (local.get $y) (i32.const 48))))
          (local.set $s0 (f64x2.splat (f64.load (local.get $top))))
          (local.set $c0 (f64x2.splat (f64.load offset=8 (local.get $top))))
          (local.set $s1 (f64x2.splat (f64.load offset=16 (local.get $top))))
          (local.set $c1 (f64x2.splat (f64.load offset=24 (local.get $top))))
          (local.set $s2 (f64x2.splat (f64.load offset=32 (local.get $top))))
          (local.set $c2 (f64x2.splat (f64.load offset=40 (local.get $top))))))
      ;; The grid's nearness along this row, less the pivot: its two rows lerped, once per cell.
      (call $cell (local.get $b) (local.get $dh))
      (local.set $fy)
      (local.set $first)
      (local.set $top (i32.add (local.get $depth) (i32.shl (i32.mul (local.get $first) (local.get $dw)) (i32.const 2))))
      (local.set $c (i32.const 0))
      (loop $cells
        (local.set $f0 (f64.promote_f32 (f32.load (local.get $top))))
        (f64.store (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 3)))
          (f64.sub
            (f64.add (local.get $f0) (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $top) (i32.shl (local.get $dw) (i32.const 2))))) (local.get $f0)) (local.get $fy)))
            (local.get $pivot)))
        (local.set $top (i32.add (local.get $top) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $cells (i32.lt_u (local.get $c) (local.get $dw))))
      (local.set $x (i32.const 0))
      (loop $pixels
        ;; Nearness less the pivot at pixels x and x + 1: [A, B] from the cells left and right.
        (local.set $left (v128.load (i32.add (local.get $row) (i32.shl (i32.load (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 3)))))
        (local.set $right (v128.load (i32.add (local.get $row) (i32.shl (i32.load offset=4 (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 3)))))
        (local.set $d (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $left) (local.get $right)))
        (local.set $d (f64x2.add (local.get $d) (f64x2.mul
          (f64x2.sub (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $left) (local.get $right)) (local.get $d))
          (v128.load (i32.add (local.get $fxs) (i32.shl (local.get $x) (i32.const 3)))))))
        ;; The sample positions, moved by the ambient waves when there are any (ambientOffset).
        (local.set $px (f64x2.add (v128.load (i32.add (local.get $at) (i32.shl (local.get $x) (i32.const 3))))
          (f64x2.mul (local.get $d) (v128.load (i32.add (local.get $per) (i32.shl (local.get $x) (i32.const 3)))))))
        (local.set $py (f64x2.add (local.get $pixelAt) (f64x2.mul (local.get $d) (local.get $pixelPer))))
        (if (local.get $ambient)
          (then
            (local.set $n (f64x2.add (local.get $d) (f64x2.splat (local.get $pivot))))
            (local.set $distant (f64x2.mul (f64x2.splat (local.get $shimmer)) (f64x2.sub (f64x2.splat (f64.const 1)) (call $smooth (local.get $n) (f64.const 0.2) (f64.const 0.5)))))
            (local.set $closeness (f64x2.mul (f64x2.splat (local.get $sway)) (call $smooth (local.get $n) (f64.const 0.5) (f64.const 0.8))))
            (local.set $column (i32.add (local.get $waves) (i32.shl (local.get $x) (i32.const 3))))
            (local.set $px (f64x2.add (local.get $px) (f64x2.mul
              (f64x2.add
                (f64x2.mul (local.get $distant) (call $wave (local.get $s0) (local.get $c0) (local.get $column) (local.get $stride)))
                (f64x2.mul (local.get $closeness) (call $wave (local.get $s2) (local.get $c2) (i32.add (local.get $column) (i32.shl (local.get $stride) (i32.const 2))) (local.get $stride))))
              (f64x2.splat (f64.mul (f64.convert_i32_u (local.get $sw)) (f64.const 4096))))))
            (local.set $py (f64x2.add (local.get $py) (f64x2.mul
              (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $distant))
                (call $wave (local.get $s1) (local.get $c1) (i32.add (local.get $column) (i32.shl (local.get $stride) (i32.const 1))) (local.get $stride)))
              (f64x2.splat (local.get $size)))))))
        ;; [x A, x B, y A, y B], held to the picture.
        (local.set $s (i32x4.min_s (i32x4.max_s (v128.const i32x4 0 0 0 0)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (local.get $px)) (i32x4.trunc_sat_f64x2_s_zero (local.get $py))))
          (local.get $lasts)))
        ;; The top-left source pixels, the weights of the ones after them, and their addresses.
        (local.set $corner (i32x4.min_s (i32x4.shr_s (local.get $s) (i32.const 12)) (local.get $limits)))
        (local.set $w (i32x4.sub (local.get $s) (i32x4.shl (local.get $corner) (i32.const 12))))
        (local.set $weights (v128.or (i32x4.shl (local.get $w) (i32.const 16)) (i32x4.sub (v128.const i32x4 4096 4096 4096 4096) (local.get $w))))
        (local.set $corner (i32x4.shl (i32x4.add
          (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $corner) (local.get $corner)) (local.get $rows))
          (local.get $corner)) (i32.const 2)))
        ;; Both pixels' RGBA, narrowed to bytes side by side, opaque.
        (local.set $s (v128.or (v128.const i32x4 0xff000000 0xff000000 0 0) (i8x16.narrow_i16x8_u
          (i16x8.narrow_i32x4_u
            (call $bilinear (i32.add (local.get $src) (i32x4.extract_lane 0 (local.get $corner))) (local.get $pitch) (call $broadcast0 (local.get $weights)) (call $broadcast2 (local.get $w)))
            (call $bilinear (i32.add (local.get $src) (i32x4.extract_lane 1 (local.get $corner))) (local.get $pitch) (call $broadcast1 (local.get $weights)) (call $broadcast3 (local.get $w))))
          (v128.const i32x4 0 0 0 0))))
        (if (i32.lt_u (i32.add (local.get $x) (i32.const 1)) (local.get $width))
          (then (v128.store64_lane 0 (local.get $out) (local.get $s)))
          (else (v128.store32_lane 0 (local.get $out) (local.get $s))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $x (i32.add (local.get $x) (i32.const 2)))
        (br_if $pixels (i32.lt_u (local.get $x) (local.get $width))))
      ;; An odd width wrote one pixel of its last pair.
      (local.set $out (i32.sub (local.get $out) (i32.shl (i32.and (local.get $width) (i32.const 1)) (i32.const 2))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $line (i32.lt_u (local.get $y) (local.get $end))))))
