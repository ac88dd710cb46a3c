;; The CPU renderer of depth moves (parallax.ts, renderFrameCpu) in WebAssembly SIMD, two pixels a
;; step: per output pixel, sourcePosition's point without ambient motion, in the same f64
;; arithmetic and order as parallax.ts's reference loop (renderFrameReference), one pixel per f64x2
;; lane; then the bilinear sample of the source in 12-bit fixed point, four channels per i32x4, as
;; that loop defines it. So the two give the same bytes; parallax.ts owns the memory layout.
;; Built into parallax-wasm.ts by `node scripts/build-wasm.mjs`.
(module
  (memory (export "memory") 1)

  ;; min(hi, max(0, v)): clampTo in parallax.ts for a range that is never empty.
  (func $clamp (param $v f64) (param $hi f64) (result f64)
    (f64.min (local.get $hi) (f64.max (f64.const 0) (local.get $v))))

  ;; What depends on the column alone, once per frame: per column x, the picture's x (an f64 at
  ;; $bxs + 8x), the weight of the depth cell right of it (an f64 at $fxs + 8x) and the index of
  ;; the cell left of it (an i32 at $cells + 4x). For an even count of columns: `render` reads them
  ;; in pairs, and the spare one of an odd width is computed like the others, then not drawn.
  (func (export "columns") (param $bxs i32) (param $fxs i32) (param $cells i32) (param $width i32) (param $dw i32) (param $viewX f64) (param $viewW f64)
    (local $x i32) (local $count i32) (local $bx f64) (local $g f64) (local $cell i32)
    (local.set $count (i32.and (i32.add (local.get $width) (i32.const 1)) (i32.const -2)))
    (loop $column
      (local.set $bx (f64.add (local.get $viewX)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $x)) (f64.const 0.5)) (f64.convert_i32_u (local.get $width))) (local.get $viewW))))
      ;; Where bx falls between two columns of the grid (sampleDepthRow in estimate-depth.ts).
      (local.set $g (call $clamp (f64.sub (f64.mul (local.get $bx) (f64.convert_i32_u (local.get $dw))) (f64.const 0.5))
        (f64.convert_i32_u (i32.sub (local.get $dw) (i32.const 1)))))
      (local.set $cell (i32.trunc_f64_s (f64.floor (local.get $g))))
      (if (i32.gt_s (local.get $cell) (i32.sub (local.get $dw) (i32.const 2)))
        (then (local.set $cell (i32.sub (local.get $dw) (i32.const 2)))))
      (f64.store (i32.add (local.get $bxs) (i32.shl (local.get $x) (i32.const 3))) (local.get $bx))
      (f64.store (i32.add (local.get $fxs) (i32.shl (local.get $x) (i32.const 3))) (f64.sub (local.get $g) (f64.convert_i32_s (local.get $cell))))
      (i32.store (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2))) (local.get $cell))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $column (i32.lt_u (local.get $x) (local.get $count)))))

  ;; Two f32s of the depth grid side by side, at $a (pixel A) and $b (pixel B), as the f64x2 pairs
  ;; [A left, B left] and [A right, B right]: the rows of a depth lerp for both pixels.
  (func $pairs (param $a i32) (param $b i32) (result v128 v128)
    (local $v v128)
    (local.set $v (v128.load64_lane 1 (local.get $b) (v128.load64_zero (local.get $a))))
    (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $v) (local.get $v)))
    (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (local.get $v) (local.get $v))))

  ;; a + (b - a) t, lane by lane: the lerps of the reference loop.
  (func $lerp (param $a v128) (param $b v128) (param $t v128) (result v128)
    (f64x2.add (local.get $a) (f64x2.mul (f64x2.sub (local.get $b) (local.get $a)) (local.get $t))))

  ;; The source position along one axis, in 1/4096 px, for both pixels (sx or sy of the reference
  ;; loop: clamped to the picture, then rounded to the grid of the weights) as i32x4 lanes 0 and 1.
  (func $position (param $b v128) (param $c v128) (param $radial v128) (param $shift v128) (param $d v128) (param $size v128) (param $last v128) (result v128)
    (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add (f64x2.mul
      (f64x2.min (local.get $last) (f64x2.max (f64x2.splat (f64.const 0))
        (f64x2.sub (f64x2.mul
          (f64x2.add (f64x2.add (local.get $c) (f64x2.mul (f64x2.sub (local.get $b) (local.get $c)) (local.get $radial)))
            (f64x2.mul (local.get $shift) (local.get $d)))
          (local.get $size)) (f64x2.splat (f64.const 0.5)))))
      (f64x2.splat (f64.const 4096))) (f64x2.splat (f64.const 0.5))))))

  ;; Lane `lane` of four i32s in every lane.
  (func $broadcast0 (param $v v128) (result v128) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $v) (local.get $v)))
  (func $broadcast1 (param $v v128) (result v128) (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $v) (local.get $v)))
  (func $broadcast2 (param $v v128) (result v128) (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $v) (local.get $v)))
  (func $broadcast3 (param $v v128) (result v128) (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $v) (local.get $v)))

  ;; One row of the bilinear blend: the two RGBA8 pixels at $p weighed by the i16 pair in every
  ;; lane of $weights ([1 - wx, wx] in 1/4096), four channels as i32x4 in 1/4096 levels.
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
  ;; (f32, dw x dh) at $depth, RGBA8 output rows from $y on at $out; the rest is the pose (parallax.ts's Pose,
  ;; without ambient); $bxs, $fxs and $cells as `columns` left them. parallax.ts asks for a few
  ;; rows a call: V8 runs a call that is under way to its end on the code it started with, so
  ;; short calls pick up the optimised code early.
  (func (export "render")
    (param $src i32) (param $sw i32) (param $sh i32) (param $depth i32) (param $dw i32) (param $dh i32)
    (param $out i32) (param $width i32) (param $height i32) (param $y i32) (param $end i32)
    (param $bxs i32) (param $fxs i32) (param $cells i32)
    (param $viewX f64) (param $viewY f64) (param $viewW f64) (param $viewH f64)
    (param $scale f64) (param $shiftX f64) (param $shiftY f64) (param $pivot f64)
    (local $x i32) (local $by f64) (local $g f64) (local $cell i32) (local $start i32)
    (local $stride i32) (local $depthStride i32) (local $a i32) (local $b i32)
    (local $cx v128) (local $cy v128) (local $byv v128) (local $fy v128) (local $sizeX v128) (local $sizeY v128)
    (local $lastX v128) (local $lastY v128) (local $scales v128) (local $shiftsX v128) (local $shiftsY v128) (local $pivots v128)
    (local $limits v128) (local $rows v128) (local $fx v128) (local $l0 v128) (local $r0 v128) (local $l1 v128) (local $r1 v128)
    (local $d v128) (local $radial v128) (local $at v128) (local $corner v128) (local $w v128) (local $weights v128) (local $pair v128)
    (local.set $cx (f64x2.splat (f64.add (local.get $viewX) (f64.div (local.get $viewW) (f64.const 2)))))
    (local.set $cy (f64x2.splat (f64.add (local.get $viewY) (f64.div (local.get $viewH) (f64.const 2)))))
    (local.set $sizeX (f64x2.splat (f64.convert_i32_u (local.get $sw))))
    (local.set $sizeY (f64x2.splat (f64.convert_i32_u (local.get $sh))))
    (local.set $lastX (f64x2.splat (f64.convert_i32_u (i32.sub (local.get $sw) (i32.const 1)))))
    (local.set $lastY (f64x2.splat (f64.convert_i32_u (i32.sub (local.get $sh) (i32.const 1)))))
    (local.set $scales (f64x2.splat (local.get $scale)))
    (local.set $shiftsX (f64x2.splat (local.get $shiftX)))
    (local.set $shiftsY (f64x2.splat (local.get $shiftY)))
    (local.set $pivots (f64x2.splat (local.get $pivot)))
    ;; The last top-left corner a sample may use, per lane of [x A, x B, y A, y B], and what a
    ;; corner's lanes are multiplied by for its row's start, once the y lanes are moved down.
    (local.set $limits (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.splat (i32.sub (local.get $sw) (i32.const 2)))
      (i32.sub (local.get $sh) (i32.const 2))) (i32.sub (local.get $sh) (i32.const 2))))
    (local.set $rows (i32x4.splat (local.get $sw)))
    (local.set $stride (i32.shl (local.get $sw) (i32.const 2)))
    (local.set $depthStride (i32.shl (local.get $dw) (i32.const 2)))
    (loop $row
      (local.set $by (f64.add (local.get $viewY)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $y)) (f64.const 0.5)) (f64.convert_i32_u (local.get $height))) (local.get $viewH))))
      (local.set $byv (f64x2.splat (local.get $by)))
      ;; The depth grid rows under this output row (depthRow in estimate-depth.ts).
      (local.set $g (call $clamp (f64.sub (f64.mul (local.get $by) (f64.convert_i32_u (local.get $dh))) (f64.const 0.5))
        (f64.convert_i32_u (i32.sub (local.get $dh) (i32.const 1)))))
      (local.set $cell (i32.trunc_f64_s (f64.floor (local.get $g))))
      (if (i32.gt_s (local.get $cell) (i32.sub (local.get $dh) (i32.const 2)))
        (then (local.set $cell (i32.sub (local.get $dh) (i32.const 2)))))
      (local.set $start (i32.add (local.get $depth) (i32.shl (i32.mul (local.get $cell) (local.get $dw)) (i32.const 2))))
      (local.set $fy (f64x2.splat (f64.sub (local.get $g) (f64.convert_i32_s (local.get $cell)))))
      (local.set $x (i32.const 0))
      (loop $pixels
        ;; Nearness at bx along the row for pixels x and x + 1 (sampleDepthRow), then between rows.
        (local.set $fx (v128.load (i32.add (local.get $fxs) (i32.shl (local.get $x) (i32.const 3)))))
        (local.set $a (i32.add (local.get $start) (i32.shl (i32.load (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 2))))
        (local.set $b (i32.add (local.get $start) (i32.shl (i32.load offset=4 (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 2))))
        (call $pairs (local.get $a) (local.get $b))
        (local.set $r0)
        (local.set $l0)
        (call $pairs (i32.add (local.get $a) (local.get $depthStride)) (i32.add (local.get $b) (local.get $depthStride)))
        (local.set $r1)
        (local.set $l1)
        ;; Displacement (displace in parallax.ts), then the source position in 1/4096 px.
        (local.set $d (f64x2.sub
          (call $lerp (call $lerp (local.get $l0) (local.get $r0) (local.get $fx)) (call $lerp (local.get $l1) (local.get $r1) (local.get $fx)) (local.get $fy))
          (local.get $pivots)))
        (local.set $radial (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $scales) (local.get $d))))
        (local.set $at (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (call $position (v128.load (i32.add (local.get $bxs) (i32.shl (local.get $x) (i32.const 3)))) (local.get $cx) (local.get $radial) (local.get $shiftsX) (local.get $d) (local.get $sizeX) (local.get $lastX))
          (call $position (local.get $byv) (local.get $cy) (local.get $radial) (local.get $shiftsY) (local.get $d) (local.get $sizeY) (local.get $lastY))))
        ;; [x A, x B, y A, y B]: the top-left source pixels and the weights of the ones after them.
        (local.set $corner (i32x4.min_s (i32x4.shr_s (local.get $at) (i32.const 12)) (local.get $limits)))
        (local.set $w (i32x4.sub (local.get $at) (i32x4.shl (local.get $corner) (i32.const 12))))
        (local.set $weights (v128.or (i32x4.shl (local.get $w) (i32.const 16)) (i32x4.sub (v128.const i32x4 4096 4096 4096 4096) (local.get $w))))
        (local.set $corner (i32x4.add (i32x4.splat (local.get $src)) (i32x4.shl (i32x4.add
          (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $corner) (local.get $corner)) (local.get $rows))
          (local.get $corner)) (i32.const 2))))
        ;; Both pixels' RGBA, narrowed to bytes side by side, opaque.
        (local.set $pair (v128.or (v128.const i32x4 0xff000000 0xff000000 0 0) (i8x16.narrow_i16x8_u
          (i16x8.narrow_i32x4_u
            (call $bilinear (i32x4.extract_lane 0 (local.get $corner)) (local.get $stride) (call $broadcast0 (local.get $weights)) (call $broadcast2 (local.get $w)))
            (call $bilinear (i32x4.extract_lane 1 (local.get $corner)) (local.get $stride) (call $broadcast1 (local.get $weights)) (call $broadcast3 (local.get $w))))
          (v128.const i32x4 0 0 0 0))))
        (if (i32.lt_u (i32.add (local.get $x) (i32.const 1)) (local.get $width))
          (then (v128.store64_lane 0 (local.get $out) (local.get $pair)))
          (else (v128.store32_lane 0 (local.get $out) (local.get $pair))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $x (i32.add (local.get $x) (i32.const 2)))
        (br_if $pixels (i32.lt_u (local.get $x) (local.get $width))))
      ;; An odd width wrote one pixel of its last pair.
      (local.set $out (i32.sub (local.get $out) (i32.shl (i32.and (local.get $width) (i32.const 1)) (i32.const 2))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $y) (local.get $end))))))
